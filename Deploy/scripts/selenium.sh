# Sourced by browser-test.sh and screenshots.sh: installs Debian's chromium, chromium-driver, its
# Chinese interface (chromium-l10n: date fields as 年/月/日 where LANGUAGE asks for zh_CN) and CJK
# fonts when missing, and Selenium (pinned) from PyPI into .build/selenium-venv; then $SELENIUM_PYTHON
# is the venv's python. Needs root (or sudo) only when a Debian package is missing.
SELENIUM_VERSION=4.51.0
selenium_need=()
command -v chromium >/dev/null 2>&1 || selenium_need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || selenium_need+=(chromium-driver)
[ -e /usr/lib/chromium/locales/zh-CN.pak ] || selenium_need+=(chromium-l10n)
fc-list 2>/dev/null | grep -i "noto sans cjk" >/dev/null || selenium_need+=(fonts-noto-cjk)  # no -q: with pipefail, an early exit of grep fails fc-list
if [ ${#selenium_need[@]} -gt 0 ]; then
  echo "kaohe: installing ${selenium_need[*]}" >&2
  selenium_sudo=""
  [ "$(id -u)" -eq 0 ] || selenium_sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $selenium_sudo apt-get update -qq
  $selenium_sudo apt-get install -y -qq --no-install-recommends "${selenium_need[@]}" >/dev/null
fi
SELENIUM_VENV="$(pwd)/.build/selenium-venv"
if ! "$SELENIUM_VENV/bin/python" -c "import selenium, sys; sys.exit(selenium.__version__ != '$SELENIUM_VERSION')" 2>/dev/null; then
  rm -rf "$SELENIUM_VENV"
  python3 -m venv "$SELENIUM_VENV"
  "$SELENIUM_VENV/bin/pip" install --quiet --disable-pip-version-check "selenium==$SELENIUM_VERSION"
fi
SELENIUM_PYTHON="$SELENIUM_VENV/bin/python"
