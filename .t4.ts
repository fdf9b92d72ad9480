import { scanScript } from "./lib/packages/scan";
const show = (f: ReturnType<typeof scanScript>) => JSON.stringify({ mp: [...f.mpApis], p: [...f.platformApis].map(([k, v]) => [k, [...v]]), r: [...f.reading] });
for (const code of [
  "function f(){ wx.login(); var wx = 1 } wx.request()",
  "function f({a: [wx]}){ wx.login() } ",
  "try{}catch(mp){mp.scanCode()} mp.chooseImage()",
  "{ let tt = 1; tt.login() } tt.request()",
  "for (const my of xs) my.x(); my.alert()",
  "class wx { m(){ wx.login() } }",
  "const f = function mp(){ mp.scanCode() }; mp.getLocation()",
  "wx = {}; wx.login()",
  "import { mp } from 'x'; mp.scanCode()",
  "const g = (mp) => mp.scanCode(); mp.chooseImage()",
  "function wx(){} wx.login()",
  "function f(a = mp.scanCode()) { var mp; }",
]) console.log(code.slice(0, 60).padEnd(60), show(scanScript(code)));
