import { describe, expect, it } from "vitest";
import { LINES_PER_PAGE, MAX_INLINE_IMAGE_BYTES, sniffBinary, viewFile } from "./file-view";

const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201f5a0f9a80000000049454e44ae426082", "hex");

describe("how a package file is shown (issue 17 item 2)", () => {
  it("highlights code and escapes whatever the source holds", () => {
    const v = viewFile("pages/index/index.js", Buffer.from('const a = "</code></pre><img src=x onerror=alert(1)>";\n// note\n'));
    expect(v.kind).toBe("text");
    if (v.kind !== "text") return;
    expect(v.language).toBe("javascript");
    expect(v.html).toContain('<span class="hljs-keyword">const</span>');
    expect(v.html).toContain('<span class="hljs-comment">// note</span>');
    expect(v.html).not.toContain("<img");
    expect(v.html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(v).toMatchObject({ totalLines: 2, pages: 1, firstLine: 1, lineCount: 2 });
  });

  it("escapes a file with no known language too", () => {
    const v = viewFile("README.txt", Buffer.from("<b>bold</b> & more"));
    expect(v).toMatchObject({ kind: "text", language: null, html: "&lt;b&gt;bold&lt;/b&gt; &amp; more" });
  });

  it("pages a long file by lines, clamping the page asked for", () => {
    const text = Array.from({ length: LINES_PER_PAGE * 2 + 5 }, (_, i) => `line ${i + 1}`).join("\n");
    const p2 = viewFile("data.txt", Buffer.from(text), 2);
    expect(p2).toMatchObject({ kind: "text", page: 2, pages: 3, firstLine: LINES_PER_PAGE + 1, lineCount: LINES_PER_PAGE, totalLines: LINES_PER_PAGE * 2 + 5 });
    if (p2.kind === "text") expect(p2.html.startsWith(`line ${LINES_PER_PAGE + 1}\n`)).toBe(true);
    expect(viewFile("data.txt", Buffer.from(text), 99)).toMatchObject({ page: 3, lineCount: 5 });
    expect(viewFile("data.txt", Buffer.from(text), -4)).toMatchObject({ page: 1 });
  });

  it("shows a small image whose bytes match its name; describes one that does not, or is large", () => {
    expect(viewFile("images/logo.png", PNG)).toMatchObject({ kind: "image", mime: "image/png" });
    expect(viewFile("images/fake.png", Buffer.from("<svg onload=alert(1)>"))).toEqual({ kind: "binary", description: "unknown" });
    const big = Buffer.concat([PNG, Buffer.alloc(MAX_INLINE_IMAGE_BYTES)]);
    expect(viewFile("images/big.png", big)).toEqual({ kind: "binary", description: "png" });
  });

  it("describes binaries from their first bytes", () => {
    expect(sniffBinary(Buffer.from([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0]))).toBe("wasm");
    expect(sniffBinary(Buffer.from("PK\u0003\u0004rest", "latin1"))).toBe("zip");
    expect(viewFile("lib/engine.wasm", Buffer.from([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0]))).toEqual({ kind: "binary", description: "wasm" });
    expect(viewFile("blob.bin", Buffer.from([0xde, 0xad, 0x00, 0xbe, 0xef]))).toEqual({ kind: "binary", description: "unknown" });
    // Not UTF-8: a binary, whatever its name says.
    expect(viewFile("notes.txt", Buffer.from([0xc3, 0x28, 0x41]))).toEqual({ kind: "binary", description: "unknown" });
  });
});
