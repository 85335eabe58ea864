; Inno Setup script: the Windows installer of the onedir bundle (built by the CI workflow
; on the Windows runner: ISCC.exe /DAppVersion=X.Y.Z packaging\windows\crs-calc.iss).
; Per-machine install into Program Files, a Start-menu entry, an uninstaller that removes
; every file it installed. The bundle's install manifest is installed with it, so
; `crs-calc.exe --verify-install` works on the installed copy.
#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif

[Setup]
AppId={{2597AA65-1D80-5F62-899F-A4413AAAC844}
AppName=CRS Bedside Calculator
AppVersion={#AppVersion}
AppPublisher=CRS Bedside Calculator maintainers
DefaultDirName={autopf}\CRS Bedside Calculator
DefaultGroupName=CRS Bedside Calculator
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=crs-calc-{#AppVersion}-setup
SetupIconFile=..\icons\crs-calc.ico
UninstallDisplayIcon={app}\crs-calc.exe
Compression=lzma2
SolidCompression=yes
WizardStyle=modern

[Files]
Source: "..\..\dist\crs-calc\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\CRS Bedside Calculator"; Filename: "{app}\crs-calc.exe"
Name: "{group}\Verify installation"; Filename: "{cmd}"; Parameters: "/k ""{app}\crs-calc.exe"" --verify-install"

[Run]
Filename: "{app}\crs-calc.exe"; Parameters: "--verify-install"; Flags: runhidden; StatusMsg: "Verifying the installed files..."
