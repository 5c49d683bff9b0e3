"""Key-account work: yearly account plans with versions (SPEC §4.5), intel reports and referrals."""
