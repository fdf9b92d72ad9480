// The tester's deep link (issue 14 item 2): `<scheme>://mini-program/<appId>?trial=<versionId>`, the shape a host
// app's URL handler opens a mini-program's trial version with, as WeChat's 体验版 QR codes do.

export function trialDeepLink(scheme: string, appId: string, versionId: string): string {
  return `${scheme}://mini-program/${encodeURIComponent(appId)}?trial=${encodeURIComponent(versionId)}`;
}
