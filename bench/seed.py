"""Seed a desk shaped like a real one, with plain SQL (not ORM loops).

The shape is the floor's (``../shared/floor/``), so the two are measured on
the same kind of data:

* 1,000 organisations of skewed sizes: the first holds about 3% of all
  tickets (about 30,000 of a million), the rest between a few hundred and a
  couple of thousand; 20 customers each (the first their admin), 200 agents.
* Tickets over three years, their status by age as a desk has them: about
  89% closed, 5% solved (within the last three days, as auto-close keeps it),
  and 6% active (open, in progress, waiting), all of the last two months;
  six in ten open tickets unassigned.
* 1 to 9 messages a ticket (five on average), of 20 to 80 words drawn with a
  skew from a support vocabulary; customer and support take turns, and a
  fifth of support's messages are internal notes (a tenth of all messages).
* An attachment's metadata on one message in twenty (the bytes are not
  written), a "created" event and a status event per ticket, and read marks:
  the requester has seen every ticket but the active ones with a reply since.
* Every ticket's search text is built as the services build it (subject,
  description, reference, requester, public messages and their authors).

Secondary indexes of the big tables are dropped while loading and built again
after, then the counters are rebuilt and the tables analysed. PostgreSQL only.
The data is deterministic (``setseed``) apart from its anchor date, today.
"""

from __future__ import annotations

import time

from django.apps import apps as django_apps
from django.conf import settings
from django.db import connection, transaction

from tickets.counters import counters_rebuild
from tickets.sla.defaults import load_defaults

# Filler words of support mail, the first the commonest (the draw is skewed)...
FILLER = (  # noqa: SIM905 - a paragraph of words reads better than a list
    "the to and a is it we on for in this of after not with you can our please when from "
    "have error server since again still works now today but login email network "
    "certificate dns database disk upload account access billing update restart screen "
    "report export calendar phone router storage migration cluster deploy pipeline token "
    "quota replica snapshot outage latency alert monitor proxy gateway mailbox sync "
    "folder share permission role invite payment contract renewal domain redirect cache "
    "queue worker cron job schedule ticket customer support agent team office remote "
    "meeting headset keyboard driver firmware patch version release rollback crash freeze "
    "slow fast broken fixed thanks tried checked attached screenshot log trace reboot "
    "reinstall reset"
).split()
# ...and topic words, one draw in fifty, so each is in about 1-3% of messages: the
# floor's search words among them (../shared/floor/measure.sh).
TOPICS = (  # noqa: SIM905 - a paragraph of words reads better than a list
    "printer invoice password refund vpn outlook laptop licence timeout backup webhook "
    "firewall payroll docking barcode phishing scanner projector wifi antivirus badge "
    "onboarding offboarding sharepoint teams excel"
).split()
SUBJECT_STARTS = (  # noqa: SIM905
    "Cannot reach|Slow|Error on|Question about|Broken|Need help with|Urgent:|"
    "Request for|Problem with|Unexpected|Failed|Missing|Change to|Access to|"
    "Intermittent|Timeout on|Cannot open|Lost|Wrong|New"
).split("|")
SUBJECT_THINGS = (  # noqa: SIM905
    "VPN tunnel|invoice|printer queue|password reset|backup job|mailbox|"
    "SSL certificate|DNS record|firewall rule|database replica|file share|"
    "license key|calendar sync|load balancer|API token|laptop|phone line|"
    "billing contact|storage quota|webhook"
).split("|")
SUBJECT_ENDS = (  # noqa: SIM905
    "since this morning|after the update|for the whole team|on one laptop|"
    "in the Berlin office|again|for a new hire|before the audit|since the migration|"
    "every few minutes"
).split("|")


def _array(words: list[str]) -> str:
    return "(ARRAY[" + ",".join("'" + word.replace("'", "''") + "'" for word in words) + "])"


def _secondary_indexes(cursor, tables: tuple[str, ...]) -> list[tuple[str, str]]:
    """(name, definition) of each index on ``tables`` that no constraint owns."""
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.tablename = ANY(%s) AND i.schemaname = current_schema()
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                          WHERE c.conindid = (quote_ident(i.schemaname) || '.' ||
                                              quote_ident(i.indexname))::regclass)
        """,
        [list(tables)],
    )
    return list(cursor.fetchall())


def seed(
    *,
    organizations: int = 1000,
    tickets: int = 1_000_000,
    agents: int = 200,
    customers_per_org: int = 20,
) -> dict:
    started = time.perf_counter()
    steps: dict[str, float] = {}

    def step(name: str, sql: str, params=None) -> None:
        began = time.perf_counter()
        cursor.execute(sql, params)
        steps[name] = round(time.perf_counter() - began, 1)

    filler, n_filler = _array(FILLER), len(FILLER)
    topics, n_topics = _array(TOPICS), len(TOPICS)
    starts, things, ends = _array(SUBJECT_STARTS), _array(SUBJECT_THINGS), _array(SUBJECT_ENDS)
    big = (
        "tickets_ticket",
        "tickets_message",
        "tickets_ticketevent",
        "tickets_ticketread",
        "tickets_slaclock",
    )
    # One transaction: should a step fail, the dropped indexes come back with the rollback.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE notifications_notification, notifications_emailoptout, tickets_ticketread, "
            "tickets_ticketcounter, tickets_ticketevent, tickets_attachment, tickets_message, "
            "tickets_ticket, tickets_category, inbound_autoreply, inbound_inboundemail, "
            "inbound_supportaddress, accounts_apitoken, accounts_pincheck, accounts_user, "
            "accounts_organization RESTART IDENTITY CASCADE"
        )
        # The truncation cascades to the service-level policies (a contract names an
        # organisation): put the default matrix back (tickets/sla/defaults.py).
        load_defaults(django_apps, settings.TIME_ZONE)
        # Django's foreign keys are deferred; checked per statement instead, so
        # nothing is pending when the indexes are built again.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL work_mem = '512MB'")
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        indexes = _secondary_indexes(cursor, big)
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SELECT setseed(0.42)")
        step(
            "organizations",
            """
            INSERT INTO accounts_organization (name, alias, support_tier, reply_policy, is_active,
                                               created_at, service_plan)
            SELECT 'Organisation ' || g, 'ORG' || g,
                   (ARRAY['standard','professional','enterprise'])[1 + g %% 3],
                   CASE WHEN g %% 4 = 0 THEN 'follow_up' ELSE 'reopen' END, true, now(),
                   CASE WHEN g %% 5 = 0 THEN 'managed' ELSE 'cloud' END
            FROM generate_series(1, %s) g ORDER BY g
            """,
            [organizations],
        )
        # Customers: user id (o - 1) * customers_per_org + g; the first is the admin.
        step(
            "users",
            """
            INSERT INTO accounts_user (password, is_superuser, email, full_name, organization_id,
                                       role, is_active, date_joined, support_pin, ticket_panel_open,
                                       queue_columns, time_zone, language)
            SELECT '!', false, 'user' || g || '@org' || o.id || '.example',
                   'Customer ' || g || ' of ' || o.id, o.id,
                   CASE WHEN g = 1 THEN 'admin' ELSE 'member' END, true, now(), '', true,
                   '[]', '', ''
            FROM accounts_organization o CROSS JOIN generate_series(1, %s) g ORDER BY o.id, g
            """,
            [customers_per_org],
        )
        first_agent = organizations * customers_per_org + 1
        cursor.execute(
            """
            INSERT INTO accounts_user (password, is_superuser, email, full_name, organization_id,
                                       role, is_active, date_joined, support_pin, ticket_panel_open,
                                       queue_columns, time_zone, language)
            SELECT '!', false, 'agent' || g || '@support.example', 'Agent ' || g, NULL, 'agent',
                   true, now(), '', true, '[]', '', ''
            FROM generate_series(1, %s) g ORDER BY g
            """,
            [agents],
        )
        cursor.execute(
            """
            INSERT INTO tickets_category (name, slug, description, is_active, "order")
            SELECT 'Category ' || g, 'category-' || g, '', true, g FROM generate_series(1, 5) g
            """
        )
        step(
            "tickets",
            f"""
            INSERT INTO tickets_ticket (organization_id, subject, description, description_html,
                category_id,
                priority, status, requester_id, assignee_id, internal_reference, channel, product,
                resource, created_at, updated_at, solved_at, closed_at, customer_activity_at,
                support_activity_at, search_document, notes_document, follow_up_of_id)
            SELECT org, subject, 'Since ' || to_char(created, 'FMDay') || ' the ' || lower(subject)
                        || ' keeps failing for us. ' || detail,
                   -- What tickets.markdown renders of that plain sentence (tested).
                   '<p>Since ' || to_char(created, 'FMDay') || ' the ' || lower(subject)
                        || ' keeps failing for us. ' || detail || '</p>',
                   1 + (random() * 4.99)::int %% 5, 1 + (random() * 3.99)::int %% 4, status,
                   (org - 1) * %(per_org)s + 1 + (random() * (%(per_org)s - 1))::int,
                   CASE WHEN status = 'open' AND random() < 0.62 THEN NULL
                        ELSE %(first_agent)s + (random() * (%(agents)s - 1))::int END,
                   CASE WHEN random() < 0.1 THEN 'PO-' || (1000 + g) ELSE '' END,
                   CASE WHEN random() < 0.3 THEN 'email' ELSE 'portal' END, '', '',
                   created, updated,
                   CASE WHEN status = 'solved' THEN updated END,
                   CASE WHEN status = 'closed' THEN updated END,
                   created, updated, '', '', NULL
            FROM (
                SELECT g, org, status, subject, detail, created,
                       CASE WHEN status = 'closed'
                                 THEN created + make_interval(hours => 4 + (random() * 400)::int)
                            WHEN status = 'solved'
                                 THEN now() - make_interval(mins => (random() * 4000)::int)
                            ELSE greatest(created, now() - make_interval(mins => (random() * 10000)::int))
                       END AS updated
                FROM (
                    SELECT g,
                           CASE WHEN random() < 0.032 THEN 1
                                ELSE 2 + floor(power(random(), 1.15) * (%(orgs)s - 1))::int END AS org,
                           s.status,
                           {starts}[1 + (random() * {len(SUBJECT_STARTS) - 1})::int] || ' '
                             || {things}[1 + (random() * {len(SUBJECT_THINGS) - 1})::int] || ' '
                             || {ends}[1 + (random() * {len(SUBJECT_ENDS) - 1})::int] AS subject,
                           'Error code E' || (random() * 9000 + 1000)::int || '.' AS detail,
                           CASE WHEN s.status = 'closed'
                                     THEN now() - make_interval(mins => 6000 + (random() * 1570000)::int)
                                ELSE now() - make_interval(mins => 4100 + (random() * 86000)::int)
                           END AS created
                    FROM generate_series(1, %(tickets)s) g
                    CROSS JOIN LATERAL (
                        SELECT CASE WHEN r < 0.894 THEN 'closed' WHEN r < 0.946 THEN 'solved'
                                    WHEN r < 0.969 THEN 'waiting_for_customer'
                                    WHEN r < 0.988 THEN 'open' ELSE 'in_progress' END AS status
                        FROM (SELECT random() + g * 0 AS r) d
                    ) s
                ) t
            ) u
            ORDER BY created
            """,
            {
                "per_org": customers_per_org,
                "first_agent": first_agent,
                "agents": agents,
                "orgs": organizations,
                "tickets": tickets,
            },
        )
        # Messages: 1-9 a ticket, alternating customer (even) and support (odd),
        # spread between creation and the last update.
        step(
            "messages",
            f"""
            INSERT INTO tickets_message (ticket_id, organization_id, author_id, body, body_html,
                                         is_internal, created_at)
            SELECT t.id, t.organization_id,
                   CASE WHEN n %% 2 = 0 THEN t.requester_id
                        ELSE coalesce(t.assignee_id, %(first_agent)s + t.id %% %(agents)s) END,
                   b.body,
                   '<p>' || b.body || '</p>',  -- tickets.markdown's HTML of plain words (tested)
                   n %% 2 = 1 AND random() < 0.2,
                   t.created_at + (t.updated_at - t.created_at) * (n + 1) / (m.count + 1)
            FROM tickets_ticket t
            CROSS JOIN LATERAL (SELECT 1 + (random() * 8.99)::int + t.id * 0 AS count) m
            CROSS JOIN LATERAL generate_series(0, m.count - 1) n
            CROSS JOIN LATERAL (
                SELECT string_agg(CASE WHEN random() < 0.02
                                THEN {topics}[1 + floor(random() * {n_topics})::int]
                                ELSE {filler}[1 + floor(power(random(), 2.2) * {n_filler})::int]
                           END, ' ') AS body
                FROM generate_series(1, 20 + (random() * 60)::int + n * 0)
            ) b
            ORDER BY t.id, n
            """,
            {"first_agent": first_agent, "agents": agents},
        )
        step(
            "attachments",
            """
            INSERT INTO tickets_attachment (file, name, content_type, size, sha256, is_internal,
                                            created_at, message_id, organization_id, ticket_id,
                                            uploaded_by_id)
            SELECT 'bench/' || m.id || '.png', 'screenshot-' || m.id || '.png', 'image/png',
                   20000 + (random() * 900000)::int, md5(m.id::text) || md5(m.id::text),
                   m.is_internal, m.created_at, m.id, m.organization_id, m.ticket_id, m.author_id
            FROM tickets_message m WHERE random() < 0.05
            """,
        )
        step(
            "events",
            """
            INSERT INTO tickets_ticketevent (ticket_id, organization_id, actor_id, kind,
                from_value, to_value, message_id, is_internal, created_at, notified_at)
            SELECT id, organization_id, requester_id, 'created', '', 'open', NULL::bigint, false,
                   created_at, created_at
            FROM tickets_ticket
            UNION ALL
            SELECT id, organization_id, assignee_id, 'status', 'open', status, NULL::bigint,
                   false, updated_at, updated_at
            FROM tickets_ticket WHERE status <> 'open'
            """,
        )
        # The requester has read every ticket, except active ones support answered since.
        step(
            "read marks",
            """
            INSERT INTO tickets_ticketread (ticket_id, organization_id, user_id, seen_at)
            SELECT id, organization_id, requester_id,
                   CASE WHEN status IN ('open', 'in_progress', 'waiting_for_customer')
                             AND random() < 0.4
                        THEN created_at ELSE updated_at END
            FROM tickets_ticket
            """,
        )
        # Service levels (issue 17), near enough without replaying five million
        # events: the default matrix of the organisation's tier and the ticket's
        # priority, in calendar time, written as the clocks the replay keeps
        # (tickets.sla.clocks), so the alert sweep and attainment read real rows.
        # First response starts at creation and is met by support's first public
        # reply (or by the solve, which answers any clock still running);
        # resolution is met when the ticket was solved, paused (no due) while
        # Waiting, and still running for Open and In progress, due from the last
        # update so due times spread from overdue to days ahead. Next-response
        # clocks are left out. A clock past due and not met in time is breached,
        # and was warned 30 minutes before (the default lead).
        step(
            "service level inputs",
            """
            CREATE TEMP TABLE seed_sla ON COMMIT DROP AS
            SELECT a.id, a.organization_id, a.status, a.created_at, a.updated_at,
                   p.id AS policy_id, x.first_response, x.resolution, s.answered_at
            FROM tickets_ticket a
            JOIN accounts_organization o ON o.id = a.organization_id
            JOIN tickets_slapolicy p ON p.tier = o.support_tier AND p.organization_id IS NULL
            JOIN tickets_slapolicytarget x ON x.policy_id = p.id AND x.priority = a.priority
            LEFT JOIN (
                SELECT m.ticket_id, min(m.created_at) AS answered_at FROM tickets_message m
                JOIN accounts_user u ON u.id = m.author_id
                WHERE NOT m.is_internal AND u.organization_id IS NULL
                GROUP BY m.ticket_id
            ) s ON s.ticket_id = a.id
            """,
        )
        step(
            "service level clocks",
            """
            INSERT INTO tickets_slaclock (ticket_id, organization_id, kind, seq, policy_id,
                                          started_at, due_at, met_at, warned_at, breached_at)
            SELECT id, organization_id, kind, 0, policy_id, started_at, due_at, met_at,
                   CASE WHEN due_at - interval '30 minutes' < coalesce(met_at, now())
                        THEN due_at - interval '30 minutes' END,
                   CASE WHEN due_at < coalesce(met_at, now()) THEN due_at END
            FROM (
                SELECT id, organization_id, policy_id, 'first_response' AS kind,
                       created_at AS started_at,
                       created_at + make_interval(mins => first_response) AS due_at,
                       CASE WHEN answered_at IS NOT NULL THEN answered_at
                            WHEN status IN ('solved', 'closed') THEN updated_at END AS met_at
                FROM seed_sla WHERE first_response IS NOT NULL
                UNION ALL
                SELECT id, organization_id, policy_id, 'resolution', created_at,
                       CASE WHEN status = 'waiting_for_customer' THEN NULL
                            WHEN status IN ('open', 'in_progress')
                            THEN updated_at + make_interval(mins => resolution)
                            ELSE created_at + make_interval(mins => resolution) END,
                       CASE WHEN status IN ('solved', 'closed') THEN updated_at END
                FROM seed_sla WHERE resolution IS NOT NULL
            ) c
            """,
        )
        # The ticket's due fields are its running clocks' due times, as
        # tickets.sla.refresh writes them.
        step(
            "service levels",
            """
            UPDATE tickets_ticket t SET
                first_response_due = c.first_response_due,
                resolution_due = c.resolution_due,
                sla_due = least(c.first_response_due, c.resolution_due)
            FROM (
                SELECT ticket_id,
                       max(due_at) FILTER (WHERE kind = 'first_response') AS first_response_due,
                       max(due_at) FILTER (WHERE kind = 'resolution') AS resolution_due
                FROM tickets_slaclock WHERE met_at IS NULL AND due_at IS NOT NULL
                GROUP BY ticket_id
            ) c
            WHERE c.ticket_id = t.id
            """,
        )
        cursor.execute(
            "UPDATE tickets_ticket SET waiting_since = updated_at "
            "WHERE status = 'waiting_for_customer'"
        )
        # Search text as tickets.services.common.search_document_text builds it.
        step(
            "search text",
            """
            UPDATE tickets_ticket t SET search_document = concat_ws(E'\\n',
                    t.id::text, t.subject, t.description, nullif(t.internal_reference, ''),
                    r.full_name, r.email, p.text)
            FROM accounts_user r,
                 (SELECT m.ticket_id,
                         string_agg(concat_ws(E'\\n', a.full_name,
                                              CASE WHEN a.organization_id IS NOT NULL
                                                   THEN a.email END, m.body),
                                    E'\\n' ORDER BY m.created_at, m.id) AS text
                  FROM tickets_message m JOIN accounts_user a ON a.id = m.author_id
                  WHERE NOT m.is_internal GROUP BY m.ticket_id) p
            WHERE r.id = t.requester_id AND p.ticket_id = t.id
            """,
        )
        step(
            "notes text",
            """
            UPDATE tickets_ticket t SET notes_document = n.text
            FROM (SELECT ticket_id, string_agg(body, E'\\n' ORDER BY created_at, id) AS text
                  FROM tickets_message WHERE is_internal GROUP BY ticket_id) n
            WHERE n.ticket_id = t.id
            """,
        )
        began = time.perf_counter()
        for _name, definition in indexes:
            cursor.execute(definition)
        steps["indexes"] = round(time.perf_counter() - began, 1)
        for table in ("tickets_ticket", "tickets_message", "tickets_attachment",
                      "tickets_ticketevent", "tickets_ticketread", "tickets_slaclock",
                      "accounts_user"):  # fmt: skip
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
            )
        cursor.execute("SELECT count(*) FROM tickets_message")
        messages = cursor.fetchone()[0]
    began = time.perf_counter()
    counters_rebuild()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    steps["counters and analyse"] = round(time.perf_counter() - began, 1)
    return {
        "organizations": organizations,
        "tickets": tickets,
        "messages": messages,
        "steps": steps,
        "seconds": round(time.perf_counter() - started, 1),
    }
