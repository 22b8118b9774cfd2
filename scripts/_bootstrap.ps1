# Dot-sourced by scripts\run.ps1 and scripts\test.ps1: make this checkout runnable on Windows.
#   Invoke-ComptoirBootstrap -Mode app|test
# Creates .venv with Python >= 3.11 (py launcher or python on PATH) and pip-installs the
# project (editable; with the test extra for "test"), skipped when a stamp keyed on
# pyproject.toml's hash says it is already done. Sets $Root and $Py.
#
# Windows PowerShell 5.1 turns every line a native program writes on a redirected stderr
# ("2>$null") into an error record, and "Stop" makes the first one end the script: the py
# launcher asked for a version that is not installed says so on stderr. A function that probes
# a program that may fail sets "Continue" for itself and reads $LASTEXITCODE instead. Whoever
# runs a script with its stderr redirected ("2> erreurs.txt", a log, PowerShell ISE) redirects
# the programs it starts too: every program is started where "Continue" holds (Invoke-Native,
# or after run.ps1 and test.ps1 have set it), its status read from $LASTEXITCODE.
# Paths go through -LiteralPath: a folder named with [ ] is not a wildcard pattern.

$ErrorActionPreference = "Stop"
$Root = Split-Path -Parent $PSScriptRoot
$Venv = Join-Path $Root ".venv"
$Py = Join-Path $Venv "Scripts\python.exe"

function Test-Python([string[]]$Command) {
    $ErrorActionPreference = "Continue"
    $exe = $Command[0]
    $rest = @($Command | Select-Object -Skip 1)
    if (-not (Test-Path -LiteralPath $exe) -and -not (Get-Command $exe -ErrorAction SilentlyContinue)) {
        return $false
    }
    & $exe @rest -c "import sys; sys.exit(sys.version_info < (3, 11))" 2>$null | Out-Null
    return ($LASTEXITCODE -eq 0)
}

function Invoke-Native([string[]]$Command) {
    $ErrorActionPreference = "Continue"
    $exe = $Command[0]
    $rest = @($Command | Select-Object -Skip 1)
    & $exe @rest
}

function Find-Python {
    $candidates = @()
    if ($env:PYTHON) { $candidates += ,@($env:PYTHON) }
    if (Get-Command py -ErrorAction SilentlyContinue) {
        foreach ($v in "3.13", "3.12", "3.11") { $candidates += ,@("py", "-$v") }
    }
    if (Get-Command python -ErrorAction SilentlyContinue) { $candidates += ,@("python") }
    foreach ($c in $candidates) {
        if (Test-Python $c) { return ,$c }
    }
    return $null
}

function Invoke-ComptoirBootstrap([string]$Mode = "app") {
    if ((Test-Path -LiteralPath $Venv) -and -not (Test-Python $Py)) {
        throw "$Venv is broken (its python does not start, or is older than 3.11): remove it and run again"
    }
    if (-not (Test-Path -LiteralPath $Py)) {
        $python = Find-Python
        if (-not $python) {
            throw "Python 3.11 or newer is required: install it from python.org (with the py launcher)."
        }
        Write-Host "comptoir: creating .venv"
        Invoke-Native (@($python) + @("-m", "venv", $Venv))
        if ($LASTEXITCODE -ne 0) { throw "cannot create $Venv" }
    }
    $digest = (Get-FileHash -LiteralPath (Join-Path $Root "pyproject.toml") -Algorithm SHA256).Hash.ToLower()
    $stamp = Join-Path $Venv ".comptoir-installed-$Mode"
    $testStamp = Join-Path $Venv ".comptoir-installed-test"
    if ((Test-Path -LiteralPath $stamp) -and ((Get-Content -LiteralPath $stamp -Raw).Trim() -eq $digest)) { return }
    if ($Mode -eq "app" -and (Test-Path -LiteralPath $testStamp) -and
        ((Get-Content -LiteralPath $testStamp -Raw).Trim() -eq $digest)) { return }
    $spec = if ($Mode -eq "test") { ".[test]" } else { "." }
    Write-Host "comptoir: installing Python dependencies into .venv (first run, or pyproject.toml changed)"
    Push-Location -LiteralPath $Root
    try {
        Invoke-Native @($Py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", $spec)
        if ($LASTEXITCODE -ne 0) { throw "pip install failed" }
    } finally { Pop-Location }
    Set-Content -LiteralPath $stamp -Value $digest -Encoding ascii
}
