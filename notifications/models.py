# Notifications (in-app rows and the email outbox) arrive with the notifications issue.
