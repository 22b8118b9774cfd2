# Install what the tests need (first run) and run the whole suite: import-layering contracts,
# then pytest (unit, GUI offscreen, end-to-end). Extra arguments go to pytest.
#   powershell -ExecutionPolicy Bypass -File scripts\test.ps1
. (Join-Path $PSScriptRoot "_bootstrap.ps1")
Invoke-ComptoirBootstrap -Mode test
Set-Location -LiteralPath $Root
$env:QT_QPA_PLATFORM = "offscreen"
$ErrorActionPreference = "Continue"  # what the tools write on a redirected stderr (a CI log)

& (Join-Path $Venv "Scripts\lint-imports.exe") --no-logo --no-cache
$status = $LASTEXITCODE
if ($status -ne 0) { Write-Host "comptoir: import layering contracts are broken (see above)" }

& $Py -m pytest @args
$pytestStatus = $LASTEXITCODE
if ($pytestStatus -eq 5) {
    Write-Host "comptoir: pytest collected no test: that is a failure"
    $pytestStatus = 1
}
if ($pytestStatus -ne 0) { $status = $pytestStatus }
exit $status
