import { useState } from 'preact/hooks';
import type { User } from '../../../../server/contract/model';
import { csvDocument } from '../../../../server/contract/csv';
import { apiRequest } from '../../api';
import { describeError, Notice } from '../../errors';
import { t, type MessageKey } from '../../i18n';

interface Report {
  created: Array<{ row: number; user: User; password: string }>;
  refused: Array<{ row: number; email: string; code: string; detail?: string; reason: string }>;
}

/** A refused row's reason in the reader's language (the server's English only for a code this client does not know). */
function reasonOf(refusal: Report['refused'][number]): string {
  const key = `admin.refused.${refusal.code}` as MessageKey;
  const text = t(key, { detail: refusal.detail ?? '' });
  return text === key ? refusal.reason : text;
}

/** The created accounts and their initial passwords, as a file to hand out (shown once; cells made safe for spreadsheets). */
function passwordsCsv(report: Report): string {
  return csvDocument(['name', 'email', 'password'], report.created.map((c) => [c.user.name, c.user.email, c.password]));
}

/** Import a list of members from a CSV file: each row is added or refused with its reason. */
export function ImportMembers({ token, onImported }: { token: string; onImported: () => void }) {
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    const file = (new FormData(event.currentTarget as HTMLFormElement).get('file') as File | null) ?? null;
    if (!file || file.size === 0) return;
    setBusy(true);
    setError(null);
    setReport(null); // the last file's report must not read as this one's
    try {
      setReport(await apiRequest<Report>('POST', '/api/members/import', token, { csv: await file.text() }));
      onImported();
    } catch (e) {
      setError(describeError(e, { invalid: 'admin.importBadFile' }));
    } finally {
      setBusy(false);
    }
  }

  const download = () => {
    if (!report) return;
    const url = URL.createObjectURL(new Blob([passwordsCsv(report)], { type: 'text/csv' }));
    Object.assign(document.createElement('a'), { href: url, download: 'new-members.csv' }).click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  return (
    <section class="tools" aria-labelledby="import-title">
      <h2 id="import-title">{t('admin.import')}</h2>
      <p class="muted">{t('admin.importHelp')}</p>
      <form class="row" onSubmit={submit}>
        <label>
          {t('admin.importFile')}
          <input type="file" name="file" accept=".csv,text/csv" required />
        </label>
        <button type="submit" disabled={busy}>
          {busy ? t('status.loading') : t('admin.importRun')}
        </button>
      </form>
      {error && <Notice tone="error">{error}</Notice>}
      {report && (
        <>
          <Notice tone={report.refused.length > 0 ? 'info' : 'success'}>{t('admin.importDone', { created: report.created.length, refused: report.refused.length })}</Notice>
          {report.created.length > 0 && (
            <>
              <p>{t('admin.importPasswords')}</p>
              <div class="actions">
                <button type="button" class="quiet" onClick={download}>
                  {t('admin.importDownload')}
                </button>
              </div>
              <details>
                <summary>{t('admin.showPasswords')}</summary>
                <div class="table-wrap">
                  <table class="report">
                    <caption class="visually-hidden">{t('admin.importCreated')}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t('admin.row')}</th>
                        <th scope="col">{t('member.name')}</th>
                        <th scope="col">{t('member.email')}</th>
                        <th scope="col">{t('admin.initialPassword')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {report.created.map((c) => (
                        <tr key={c.row}>
                          <td>{c.row}</td>
                          <td>{c.user.name}</td>
                          <td>{c.user.email}</td>
                          <td>
                            <code>{c.password}</code>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </details>
            </>
          )}
          {report.refused.length > 0 && (
            <div class="table-wrap">
              <table class="report">
                <caption class="visually-hidden">{t('admin.importRefused')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('admin.row')}</th>
                    <th scope="col">{t('member.email')}</th>
                    <th scope="col">{t('admin.reason')}</th>
                  </tr>
                </thead>
                <tbody>
                  {report.refused.map((r) => (
                    <tr key={r.row}>
                      <td>{r.row}</td>
                      <td>{r.email}</td>
                      <td>{reasonOf(r)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
