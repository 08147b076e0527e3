"""Service levels: business hours, the policy a ticket is owed, its clocks
replayed from its history, and the alerts before and at a breach.

``hours`` is the calendar arithmetic, ``policies`` picks the targets,
``clocks`` replays a history into clocks (pure), ``refresh`` stores them and
the ticket's due times (called by ``tickets.events`` at the end of each act),
``alerts`` is the beat task's sweep.
"""
