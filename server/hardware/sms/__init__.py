"""SMS: segment arithmetic, the gateway seam and its drivers, and inbound reply helpers."""
