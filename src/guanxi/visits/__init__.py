"""Monthly visit plans, their approval, and the report after each visit (SPEC §4.4)."""
