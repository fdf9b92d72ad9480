// A real SMTP server on loopback for the tests that send email (notifications, password reset): it keeps every
// message it receives, with its quoted-printable text decoded as a mail client would, and can refuse recipients
// (550) to exercise bounces. It sets SMTP_URL and AUTH_URL while it runs and removes them when closed.
import { SMTPServer } from "smtp-server";

export type ReceivedMail = { to: string[]; body: string };

export type TestSmtp = {
  received: ReceivedMail[];
  /** While true, every recipient is refused with 550. */
  refuse: boolean;
  close(): Promise<void>;
};

export async function startTestSmtp(): Promise<TestSmtp> {
  const smtp: Omit<TestSmtp, "close"> = { received: [], refuse: false };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onRcptTo(_address, _session, cb) {
      cb(smtp.refuse ? Object.assign(new Error("Mailbox unavailable"), { responseCode: 550 }) : undefined);
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        // The text part is quoted-printable: soft line breaks and =XX escapes undone.
        const body = Buffer.concat(chunks)
          .toString("utf8")
          .replace(/=\r?\n/g, "")
          .replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
        smtp.received.push({ to: session.envelope.rcptTo.map((r) => r.address), body });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  process.env.SMTP_URL = `smtp://127.0.0.1:${(server.server.address() as { port: number }).port}`;
  process.env.AUTH_URL = "https://console.example.test";
  return Object.assign(smtp, {
    async close() {
      delete process.env.SMTP_URL;
      delete process.env.AUTH_URL;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
