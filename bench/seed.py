"""Seed a large desk with plain SQL (not ORM loops): organisations, people,
tickets, messages and events, then counters and statistics.

Volumes are parameters; the defaults are the agent-queue benchmark's
(200,000 tickets over 500 organisations). PostgreSQL only.
"""

from __future__ import annotations

import time

from django.db import connection

from tickets.counters import counters_rebuild

WORDS = [
    "kubernetes node pool",
    "invoice vat number",
    "load balancer 502",
    "dns record update",
    "backup snapshot retention",
    "cdn cache purge",
    "server boot failure",
    "api rate limit",
    "two factor login",
    "firewall rule request",
    "database slow queries",
    "ssl certificate renewal",
    "billing contact change",
    "region migration",
    "disk full alert",
    "vpn tunnel drops",
    "object storage bucket",
    "email delivery bounce",
    "monitoring webhook",
    "password reset link",
]


def seed(*, organizations: int = 500, tickets: int = 200_000, agents: int = 10) -> dict:
    started = time.perf_counter()
    words = "ARRAY[" + ",".join(f"'{w}'" for w in WORDS) + "]"
    n_words = len(WORDS)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE notifications_notification, notifications_emailoptout, tickets_ticketread, tickets_ticketcounter, tickets_ticketevent, "
            "tickets_message, tickets_ticket, tickets_category, inbound_autoreply, inbound_inboundemail, "
            "inbound_supportaddress, accounts_apitoken, accounts_pincheck, accounts_user, "
            "accounts_organization RESTART IDENTITY CASCADE"
        )
        cursor.execute(
            """
            INSERT INTO accounts_organization (name, alias, support_tier, reply_policy, is_active, created_at,
                                               service_plan)
            SELECT 'Organisation ' || g, 'ORG' || g,
                   (ARRAY['standard','professional','enterprise'])[1 + g %% 3],
                   CASE WHEN g %% 4 = 0 THEN 'follow_up' ELSE 'reopen' END, true, now(),
                   CASE WHEN g %% 5 = 0 THEN 'managed' ELSE 'cloud' END
            FROM generate_series(1, %s) g ORDER BY g
            """,
            [organizations],
        )
        # Three customers per organisation: user ids (o-1)*3+1 .. (o-1)*3+3.
        cursor.execute(
            """
            INSERT INTO accounts_user (password, is_superuser, email, full_name, organization_id,
                                       role, is_active, date_joined, support_pin, ticket_panel_open)
            SELECT '!', false, 'user' || g || '@org' || o.id || '.example', 'User ' || g || ' of ' || o.id,
                   o.id, CASE WHEN g = 1 THEN 'admin' ELSE 'member' END, true, now(), '', true

            FROM accounts_organization o CROSS JOIN generate_series(1, 3) g ORDER BY o.id, g
            """
        )
        first_agent = organizations * 3 + 1
        cursor.execute(
            """
            INSERT INTO accounts_user (password, is_superuser, email, full_name, organization_id,
                                       role, is_active, date_joined, support_pin, ticket_panel_open)
            SELECT '!', false, 'agent' || g || '@support.example', 'Agent ' || g, NULL, 'agent', true, now(), '', true

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
        # Status mix of a desk with history: 70% closed, 5% solved, 8% waiting,
        # 9% in progress, 8% open. Last activity spread over two years.
        cursor.execute(
            f"""
            INSERT INTO tickets_ticket (organization_id, subject, description, category_id, priority,
                status, requester_id, assignee_id, internal_reference, channel, product, resource,
                created_at, updated_at, solved_at, closed_at, customer_activity_at,
                support_activity_at, search_document, notes_document, follow_up_of_id)
            SELECT org, subject, description, 1 + g %% 5, 1 + (g * 7) %% 4, status,
                   (org - 1) * 3 + 1 + g %% 3,
                   CASE WHEN status = 'open' OR (status = 'waiting_for_customer' AND g %% 2 = 0)
                        THEN NULL ELSE %(first_agent)s + g %% %(agents)s END,
                   '', 'portal', '', '', created, updated,
                   CASE WHEN status IN ('solved') THEN updated END,
                   CASE WHEN status = 'closed' THEN updated END,
                   created, updated, subject || ' ' || description, '', NULL
            FROM (
                SELECT g, 1 + g %% %(orgs)s AS org,
                       initcap(({words})[1 + g %% {n_words}]) || ' #' || g AS subject,
                       'Problem with ' || ({words})[1 + (g * 3) %% {n_words}] || ' since ' || g AS description,
                       CASE WHEN g %% 100 < 70 THEN 'closed' WHEN g %% 100 < 75 THEN 'solved'
                            WHEN g %% 100 < 83 THEN 'waiting_for_customer'
                            WHEN g %% 100 < 92 THEN 'in_progress' ELSE 'open' END AS status,
                       now() - make_interval(mins => (g * 37) %% 1051200) - interval '2 hours' AS created,
                       now() - make_interval(mins => (g * 37) %% 1051200) AS updated
                FROM generate_series(1, %(tickets)s) g
            ) t
            """,
            {
                "first_agent": first_agent,
                "agents": agents,
                "orgs": organizations,
                "tickets": tickets,
            },
        )
        # Two messages a ticket (the customer's and support's), and its history.
        cursor.execute(
            """
            INSERT INTO tickets_message (ticket_id, organization_id, author_id, body, is_internal, created_at)
            SELECT id, organization_id, requester_id, 'More details: ' || description, false, created_at + interval '10 minutes'
            FROM tickets_ticket
            UNION ALL
            SELECT id, organization_id, COALESCE(assignee_id, %s), 'We are looking into it.', id %% 5 = 0, created_at + interval '1 hour'
            FROM tickets_ticket
            """,
            [first_agent],
        )
        cursor.execute(
            """
            INSERT INTO tickets_ticketevent (ticket_id, organization_id, actor_id, kind, from_value, to_value,
                                             message_id, is_internal, created_at, notified_at)
            SELECT id, organization_id, requester_id, 'created', '', 'open', NULL::bigint, false, created_at, created_at
            FROM tickets_ticket
            UNION ALL
            SELECT id, organization_id, assignee_id, 'status', 'open', status, NULL::bigint, false, updated_at, updated_at
            FROM tickets_ticket WHERE status <> 'open'
            """
        )
    counters_rebuild()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {
        "organizations": organizations,
        "tickets": tickets,
        "messages": tickets * 2,
        "seconds": round(time.perf_counter() - started, 1),
    }
