; Inno Setup 6.3+ script: turns the PyInstaller folder dist\comptoir into an installer.
;   pyinstaller packaging\comptoir.spec --noconfirm
;   iscc /DAppVersion=0.2.0 packaging\windows\comptoir.iss
; Installs per user by default (no administrator rights needed). The database and the log
; stay in %LOCALAPPDATA%\iMio\Comptoir and are kept on uninstall.

#ifndef AppVersion
  #define AppVersion "0.2.0"
#endif
#define BuildDir "..\..\dist\comptoir"

[Setup]
AppId={{6E2B51C4-8F0A-4C5B-9B5E-2D7A4C1E9F30}
AppName=Comptoir
AppVersion={#AppVersion}
AppPublisher=iMio
AppComments=Offres et budgets iMio, hors ligne
DefaultDirName={autopf}\Comptoir
DefaultGroupName=Comptoir
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=Comptoir-{#AppVersion}-installation
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\comptoir.exe

[Languages]
Name: "french"; MessagesFile: "compiler:Languages\French.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; The seed files and the migrations are found by listing their folders: one that an earlier
; version installed and this one no longer ships (a tariff renamed, a migration renumbered)
; would still be read after an update. Their folders are installed again whole, as
; packaging/linux/install.sh does (PyInstaller 6 puts them in _internal, earlier versions
; beside the executables).
Type: filesandordirs; Name: "{app}\_internal"
Type: filesandordirs; Name: "{app}\db"
Type: filesandordirs; Name: "{app}\resources"
Type: filesandordirs; Name: "{app}\desktop"

[Files]
Source: "{#BuildDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\Comptoir"; Filename: "{app}\comptoir.exe"
Name: "{autodesktop}\Comptoir"; Filename: "{app}\comptoir.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\comptoir.exe"; Description: "{cm:LaunchProgram,Comptoir}"; Flags: nowait postinstall skipifsilent
