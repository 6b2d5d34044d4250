"""Group self-training rooms: scheduled, facilitated, capacity-bound, transcript-free."""
