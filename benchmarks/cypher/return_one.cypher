// The floor: one bare round trip.
RETURN 1 AS one
