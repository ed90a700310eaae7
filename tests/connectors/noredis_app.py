"""A Sanic app with our Telegram and SMS channels whose Redis is down (tests/connectors/test_inbox.py).

Run as its own process: Sanic 21.12 can start only one app per process (its TouchUp rewrites class
methods once), and test_late_replies.py starts one in the test process.
usage: noredis_app.py <port> <dead redis port> <telegram secret> <twilio auth token>
"""
import sys

from sanic import Sanic

from connectors.inbox import InboxSettings
from connectors.settings import CommonSettings, SmsSettings, TelegramSettings
from connectors.sms import SmsInput
from connectors.telegram import TelegramInput
from rasa.core.channels.channel import register


class EchoAgent:
    """Rasa's place; the requests under test never get this far."""

    async def handle_message(self, message) -> None:
        await message.output_channel.send_response(message.sender_id, {"text": f"echo {message.text}"})


def main(port: str, redis_port: str, secret: str, auth_token: str) -> None:
    common = CommonSettings(production=False, redis_url=f"redis://127.0.0.1:{redis_port}/0", redis_prefix="x:",
                            public_url=f"http://127.0.0.1:{port}")
    inbox = InboxSettings(lease_s=5, max_age_s=3600, max_wait_s=600)
    telegram = TelegramInput(TelegramSettings(common=common, token="123:t", secret_token=secret,
                                              api_base="http://127.0.0.1:9/telegram", per_chat_interval=0,
                                              global_rate=100), inbox_settings=inbox)
    sms = SmsInput(SmsSettings(common=common, account_sid="AC1", auth_token=auth_token, from_number="+15005550006",
                               api_base="http://127.0.0.1:9/twilio", twiml_deadline=1.0), inbox_settings=inbox)
    app = Sanic("noredis")
    app.ctx.agent = EchoAgent()
    register([telegram, sms], app, "/webhooks/")
    app.run(host="127.0.0.1", port=int(port), access_log=False)


if __name__ == "__main__":
    main(*sys.argv[1:5])
