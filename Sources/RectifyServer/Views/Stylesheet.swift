/// The whole stylesheet: a dense office look, readable on a 1366×768 laptop and
/// usable on a phone. Written by hand, served from the binary.
enum Stylesheet {
    static let css = """
    :root { --ink:#1f2933; --muted:#616e7c; --line:#d9e2ec; --accent:#0b6e4f; --bg:#f5f7fa; --red:#b42318; }
    * { box-sizing: border-box; }
    body { margin:0; font: 14px/1.5 "Noto Sans CJK SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif; color:var(--ink); background:var(--bg); }
    header.top { display:flex; align-items:center; justify-content:space-between; gap:1rem; padding:.5rem 1rem; background:var(--accent); color:#fff; }
    header.top a.brand { color:#fff; font-weight:700; text-decoration:none; font-size:16px; }
    header.top .who { display:flex; align-items:center; gap:.75rem; }
    header.top .roles { opacity:.85; font-size:12px; }
    header.top form { margin:0; }
    header.top button { background:transparent; color:#fff; border:1px solid rgba(255,255,255,.6); border-radius:3px; padding:.15rem .6rem; cursor:pointer; }
    main { padding:1rem; max-width:1400px; margin:0 auto; }
    h1 { font-size:20px; margin:.25rem 0 1rem; }
    table.ledger { width:100%; border-collapse:collapse; background:#fff; border:1px solid var(--line); }
    table.ledger th, table.ledger td { padding:.4rem .5rem; border-bottom:1px solid var(--line); text-align:left; vertical-align:top; }
    table.ledger th { background:#eef2f7; font-weight:600; font-size:13px; white-space:nowrap; }
    table.ledger td.num, table.ledger th.num { text-align:right; font-variant-numeric: tabular-nums; }
    .sub { color:var(--muted); font-size:12px; }
    .empty { color:var(--muted); }
    .login { max-width:360px; margin:3rem auto; background:#fff; padding:1.5rem; border:1px solid var(--line); border-radius:4px; }
    .login form { display:flex; flex-direction:column; gap:.4rem; }
    .login input { padding:.45rem; border:1px solid var(--line); border-radius:3px; font-size:14px; }
    .login button { margin-top:.75rem; padding:.5rem; background:var(--accent); color:#fff; border:0; border-radius:3px; font-size:15px; cursor:pointer; }
    .error { color:var(--red); background:#fef3f2; border:1px solid #fecdca; padding:.4rem .6rem; border-radius:3px; }
    .error-page { max-width:560px; margin:3rem auto; background:#fff; padding:1.5rem; border:1px solid var(--line); }
    .scroll { overflow-x:auto; }
    """
}
