; The Photo Atlas installer for Windows: per user (no administrator rights), into
; %LOCALAPPDATA%\Programs\Photo Atlas, with a Start-menu folder (the program and its
; uninstaller), an entry in "Apps & features", and an uninstaller that removes
; exactly what was installed. The catalog and thumbnails (under %APPDATA% and
; %LOCALAPPDATA%) are the person's data and stay. `/S` installs silently.
;
; makensis -DVERSION=0.1.0 -DEXE=path\to\photo-atlas.exe -DOUT=setup.exe installer.nsi

; A 64-bit installer for the 64-bit program (and for Wine without its 32-bit half).
Target amd64-unicode
SetCompressor /SOLID lzma
RequestExecutionLevel user

!define NAME "Photo Atlas"
!define KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\PhotoAtlas"

Name "${NAME}"
OutFile "${OUT}"
InstallDir "$LOCALAPPDATA\Programs\${NAME}"
Icon "photo-atlas.ico"
UninstallIcon "photo-atlas.ico"
BrandingText "${NAME} ${VERSION}"

Page directory
Page instfiles
UninstPage uninstConfirm
UninstPage instfiles

Section "Photo Atlas"
  SetShellVarContext current
  SetOutPath "$INSTDIR"
  File "/oname=photo-atlas.exe" "${EXE}"
  File "photo-atlas.ico"
  WriteUninstaller "$INSTDIR\Uninstall Photo Atlas.exe"
  CreateDirectory "$SMPROGRAMS\${NAME}"
  CreateShortcut "$SMPROGRAMS\${NAME}\${NAME}.lnk" "$INSTDIR\photo-atlas.exe" "" "$INSTDIR\photo-atlas.ico" 0
  CreateShortcut "$SMPROGRAMS\${NAME}\Uninstall ${NAME}.lnk" "$INSTDIR\Uninstall Photo Atlas.exe"
  WriteRegStr HKCU "${KEY}" "DisplayName" "${NAME}"
  WriteRegStr HKCU "${KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${KEY}" "Publisher" "Photo Atlas"
  WriteRegStr HKCU "${KEY}" "DisplayIcon" "$INSTDIR\photo-atlas.ico"
  WriteRegStr HKCU "${KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${KEY}" "UninstallString" '"$INSTDIR\Uninstall Photo Atlas.exe"'
  WriteRegStr HKCU "${KEY}" "QuietUninstallString" '"$INSTDIR\Uninstall Photo Atlas.exe" /S'
  WriteRegDWORD HKCU "${KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${KEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  SetShellVarContext current
  Delete "$SMPROGRAMS\${NAME}\${NAME}.lnk"
  Delete "$SMPROGRAMS\${NAME}\Uninstall ${NAME}.lnk"
  RMDir "$SMPROGRAMS\${NAME}"
  Delete "$INSTDIR\photo-atlas.exe"
  Delete "$INSTDIR\photo-atlas.ico"
  Delete "$INSTDIR\Uninstall Photo Atlas.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${KEY}"
SectionEnd
