import { locale, setLocale, t } from '../i18n';

/** The other language, named in itself ("English", "中文"), so a reader of either finds it. */
export function LanguageSwitch({ menuItem = false }: { menuItem?: boolean }) {
  const other = locale.value === 'zh-CN' ? 'en' : 'zh-CN';
  return (
    <button type="button" class="link" lang={other} role={menuItem ? 'menuitem' : undefined} title={t('lang.switchLabel')} onClick={() => setLocale(other)}>
      {t('lang.switch')}
    </button>
  );
}
