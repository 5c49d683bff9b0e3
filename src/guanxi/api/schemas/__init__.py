"""Request and response schemas. Write schemas list their fields explicitly and refuse any other
property (SECURITY API-03): ids, versions and bookkeeping fields can never be written."""
