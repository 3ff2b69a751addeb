import { locale, setLocale, t } from '../i18n';

export function LanguageSwitch() {
  const other = locale.value === 'zh-CN' ? 'en' : 'zh-CN';
  return (
    <button type="button" class="link" lang={other} aria-label={t('lang.switchLabel')} onClick={() => setLocale(other)}>
      {t('lang.switch')}
    </button>
  );
}
