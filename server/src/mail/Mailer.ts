import nodemailer from 'nodemailer';
import { errorMessage, type Logger } from '../log.ts';

/** One message to one person. */
export interface Mail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

/** Sends mail, or says it cannot: a link that was not mailed is still shown to whoever asked for it. */
export interface Mailer {
  /** Whether mail goes out at all (SMTP_URL is set). */
  readonly enabled: boolean;
  /** True once the SMTP server accepted the message; false when mail is off or sending failed (logged). */
  send(mail: Mail): Promise<boolean>;
  close(): void;
}

/** Mail over SMTP (SMTP_URL, e.g. smtps://user:pass@mail.example.org:465), from `from`. */
export function smtpMailer(smtpUrl: string, from: string, logger: Logger): Mailer {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    enabled: true,
    async send(mail) {
      try {
        await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text });
        return true;
      } catch (e) {
        // The address and subject are not clinical; the body (a link) is never logged.
        logger.error('mail not sent', { error: errorMessage(e) });
        return false;
      }
    },
    close: () => transport.close()
  };
}

/** No SMTP configured: nothing is sent. */
export const noMailer: Mailer = { enabled: false, send: async () => false, close: () => undefined };
