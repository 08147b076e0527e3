from celery import shared_task


@shared_task(name="inbound.poll_mailbox", ignore_result=True)
def poll_mailbox_task() -> list:
    from inbound.imap import mailboxes_poll

    return mailboxes_poll()
