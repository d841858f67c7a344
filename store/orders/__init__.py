"""Orders: read one, edit it (checked, logged, followers told), take new ones in, apply a finding's fix."""
