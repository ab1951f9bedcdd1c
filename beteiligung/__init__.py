"""Public participation events (Beteiligung): registration without an account, themed tables,
waiting list, reminders, check-in and deletion of personal data.

How it works, in short:

- Double opt-in. A registration that finds its places free is PENDING and holds one place for
  BETEILIGUNG_HOLD_MINUTES (a group takes its other places when the address is confirmed, if
  they are still free); following the e-mail link makes it CONFIRMED. Without free places it is
  WAITING (if the visitor ticked the waiting-list box). Unconfirmed registrations from one client
  address hold at most BETEILIGUNG_UNCONFIRMED_HOLDS_PER_CLIENT places per event. Unconfirmed
  registrations expire after BETEILIGUNG_OPT_IN_MINUTES (beat job) and are anonymised at once.
  A sign-up with an address that is already registered is answered as a new one would be; the
  address's owner gets an e-mail instead.
- Capacity. Availability is computed from the rows that hold places, by the one rule of
  models.holding_q / RegistrationQuerySet.held_places, never from a counter. Every change that
  takes or frees places locks the event row first (services._lock_event), counts, decides and
  writes in one durable transaction. Proven by tests/beteiligung/test_concurrency.py, including
  a control test without the lock.
- Waiting list. The rule is beteiligung.waiting_list (first in line whose group fits; a larger
  group that does not fit is skipped and keeps its position); a freed place moves people up
  automatically and tells them by e-mail. The event page, the personal page and the e-mail state
  the rule and the position in line.
- Personal links carry a public id plus an HMAC of it (models.link_signature): unguessable,
  not derivable from the database alone, revoked by clearing the id.
- Mail goes through the outbox (erfurt_srp.notifications) in the same transaction. Reminders,
  follow-ups, expiry and the shredder are beat jobs over stored due times (no countdowns). The
  follow-up links the guidelines' open public consultation round unless staff set a link.
- Retention. registrants_shred anonymises an event's registrants (keeps counts, logs a
  ShredLog) BETEILIGUNG_RETENTION_DAYS after the event; it refuses before the event is over.
  Anonymising also clears accessibility needs, check-in, invitation and the admin log's text.
"""
