import { describe, expect, it } from "vitest";
import { renderMarkdown } from "./markdown";

describe("renderMarkdown", () => {
  it("renders ordinary markdown", () => {
    const html = renderMarkdown("## Steps\n\n- **one**\n- `two`\n\n1. a\n2. b");
    expect(html).toContain("<h2>Steps</h2>");
    expect(html).toContain("<li><strong>one</strong></li>");
    expect(html).toContain("<code>two</code>");
    expect(html).toContain("<ol>");
  });

  it("demotes h1 so the page keeps its single h1", () => {
    expect(renderMarkdown("# Big")).toBe("<h2>Big</h2>\n");
  });

  it("shows raw HTML as text instead of rendering it", () => {
    const html = renderMarkdown(
      'Hi <img src=x onerror="alert(1)">\n\n<script>alert(2)</script>\n\n<div onclick="x">d</div>',
    );
    expect(html).not.toMatch(/<img|<script|<div/i);
    expect(html).toContain("&lt;img src=x onerror=");
    expect(html).toContain("&lt;script&gt;alert(2)&lt;/script&gt;");
  });

  it("keeps only safe link schemes and marks links noopener nofollow", () => {
    const html = renderMarkdown(
      "[ok](https://example.com) [bad](javascript:alert(1)) [data](data:text/html,hi) <https://auto.example>",
    );
    expect(html).toContain('<a href="https://example.com" rel="noopener nofollow">ok</a>');
    expect(html).not.toMatch(/javascript:|data:text/);
    expect(html).toContain('<a href="https://auto.example" rel="noopener nofollow">');
  });

  it("drops images and event handlers even in markdown syntax", () => {
    const html = renderMarkdown('![x](https://example.com/x.png "t")');
    expect(html).not.toContain("<img");
  });
});
