# Start Comptoir from this checkout, installing what it needs on first use.
#   powershell -ExecutionPolicy Bypass -File scripts\run.ps1
#   powershell -ExecutionPolicy Bypass -File scripts\run.ps1 members search liege
. (Join-Path $PSScriptRoot "_bootstrap.ps1")
Invoke-ComptoirBootstrap -Mode app
$ErrorActionPreference = "Continue"  # a command's French messages on a redirected stderr
& $Py -m desktop @args
exit $LASTEXITCODE
