#include "config/config_check.hpp"

namespace sbx::config {

ConfigCheck check_configuration(const SettingsRequest& request)
{
    Diagnostics diagnostics;
    ConfigCheck check;
    check.loaded = load_settings(request, diagnostics);
    check.catalog = RuntimeCatalog::load(check.loaded.settings, diagnostics);
    check.faq = load_faq(check.loaded.settings.faq_file, diagnostics);
    check.problems = diagnostics.sorted();
    return check;
}

} // namespace sbx::config
