from celery import shared_task

from inbound.services import auto_replies_send


@shared_task(name="inbound.send_auto_replies", ignore_result=True)
def send_auto_replies_task() -> int:
    return auto_replies_send()


@shared_task(name="inbound.poll_mailbox", ignore_result=True)
def poll_mailbox_task() -> list:
    from inbound.imap import mailboxes_poll

    return mailboxes_poll()
