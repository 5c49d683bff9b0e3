"""One router per resource; each handler parses input, calls one selector or service, renders."""
