"""The domain: tokens, counters and the rules of an office's day, live in Redis."""
