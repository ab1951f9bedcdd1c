"""Public participation events (Beteiligung): registration without an account, themed tables,
waiting list, reminders, check-in and deletion of personal data.

How it works, in short:

- Double opt-in. A registration that finds a free place is PENDING and holds that place for
  BETEILIGUNG_OPT_IN_MINUTES (as pretix holds a cart); following the e-mail link makes it
  CONFIRMED. Without a free place it is WAITING (if the visitor ticked the waiting-list box).
  Unconfirmed registrations expire (beat job) and are anonymised at once.
- Capacity. Availability is computed from the rows that hold a place (confirmed + unexpired
  pending, summed over ``places`` for small groups), never from a counter. Every change that
  takes or frees places locks the event row first (services._lock_event). A new registration
  writes its row and e-mail before the lock with the likely outcome, then locks, counts
  (uncommitted rows of others are counted by their own transaction under the lock) and
  corrects the guess if needed, so the serialised part is short (services.registration_create).
  Proven by tests/beteiligung/test_concurrency.py, including a control test without the lock.
- Waiting list. First come, first served among confirmed addresses that fit (event and table);
  a freed place moves the next person up automatically and tells them by e-mail. There is no
  "offer" to accept: the person asked for the place and can cancel with one click.
- Personal links carry a public id plus an HMAC of it (models.link_signature): unguessable,
  not derivable from the database alone, revoked by clearing the id.
- Mail goes through the outbox (erfurt_srp.notifications) in the same transaction. Reminders,
  follow-ups, expiry and the shredder are beat jobs over stored due times (no countdowns). The
  follow-up links the guidelines' open public consultation round unless staff set a link.
- Retention. registrants_shred anonymises an event's registrants (keeps counts, logs a
  ShredLog) BETEILIGUNG_RETENTION_DAYS after the event; it refuses before the event is over.
"""
