/// The whole stylesheet: a dense office look, readable on a 1366×768 laptop and
/// usable on a phone. Written by hand, served from the binary.
enum Stylesheet {
    static let css = """
    :root { --ink:#1f2933; --muted:#616e7c; --line:#d9e2ec; --accent:#0b6e4f; --accent2:#08523b; --bg:#f5f7fa; --red:#c0392b;
            --yellow:#d4a017; --green:#2e8540; --blue:#2b6cb0; --grey:#9aa5b1; }
    * { box-sizing: border-box; }
    body { margin:0; font: 14px/1.5 "Noto Sans CJK SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif; color:var(--ink); background:var(--bg); }
    a { color:#0b5394; }
    header.top { display:flex; align-items:center; flex-wrap:wrap; gap:.25rem 1rem; padding:.4rem 1rem; background:var(--accent); color:#fff; }
    header.top a.brand { color:#fff; font-weight:700; text-decoration:none; font-size:16px; white-space:nowrap; }
    header.top nav { display:flex; flex-wrap:wrap; gap:.1rem; flex:1; }
    header.top nav a { color:#e6f4ee; text-decoration:none; padding:.25rem .55rem; border-radius:3px; white-space:nowrap; }
    header.top nav a:hover, header.top nav a.on { background:var(--accent2); color:#fff; }
    header.top .who { display:flex; align-items:center; gap:.6rem; }
    header.top .roles { opacity:.85; font-size:12px; }
    header.top form { margin:0; }
    header.top button { background:transparent; color:#fff; border:1px solid rgba(255,255,255,.6); border-radius:3px; padding:.15rem .6rem; cursor:pointer; }
    header.top .login-link { color:#fff; }
    main { padding:1rem; max-width:1400px; margin:0 auto; }
    h1 { font-size:20px; margin:.25rem 0 .75rem; }
    h2 { font-size:16px; margin:.2rem 0 .6rem; }
    h3 { font-size:14px; margin:.2rem 0 .5rem; }
    .titlebar { display:flex; align-items:center; justify-content:space-between; gap:1rem; flex-wrap:wrap; }
    .tools, .badges { display:flex; gap:.5rem; flex-wrap:wrap; align-items:center; }
    .crumbs { margin:0; font-size:12px; }
    .button, button { display:inline-block; padding:.35rem .8rem; border:1px solid var(--line); background:#fff; color:var(--ink);
             border-radius:3px; text-decoration:none; cursor:pointer; font:inherit; }
    button.primary { background:var(--accent); color:#fff; border-color:var(--accent); }
    button.danger { background:#fff; color:var(--red); border-color:var(--red); }
    button.secondary { background:#fff; }
    table.ledger { width:100%; border-collapse:collapse; background:#fff; border:1px solid var(--line); }
    table.ledger th, table.ledger td { padding:.35rem .5rem; border-bottom:1px solid var(--line); text-align:left; vertical-align:top; }
    table.ledger th { background:#eef2f7; font-weight:600; font-size:13px; white-space:nowrap; }
    table.ledger td.num, table.ledger th.num { text-align:right; font-variant-numeric: tabular-nums; }
    table.ledger tr.invalid td { background:#fef3f2; }
    td.links a { margin-right:.5rem; white-space:nowrap; }
    .sub { color:var(--muted); font-size:12px; }
    .empty { color:var(--muted); }
    .pre { white-space:pre-wrap; }
    .lead { font-size:15px; font-weight:600; }
    .tag { display:inline-block; margin-left:.35rem; padding:0 .4rem; border-radius:9px; background:#e3e8ef; font-size:12px; color:var(--ink); }
    .state { padding:.1rem .5rem; border-radius:3px; background:#e6f4ee; color:var(--accent2); font-weight:600; }
    .light { white-space:nowrap; }
    .light::before { content:""; display:inline-block; width:.7em; height:.7em; border-radius:50%; margin-right:.3em; background:var(--grey); vertical-align:-.05em; }
    .light.red::before { background:var(--red); } .light.yellow::before { background:var(--yellow); } .light.green::before { background:var(--green); }
    .light.none { color:var(--muted); } .light.none::before { display:none; }
    .flash { background:#e6f4ee; border:1px solid #b7dfcc; padding:.45rem .7rem; border-radius:3px; }
    .error { color:var(--red); background:#fef3f2; border:1px solid #fecdca; padding:.4rem .6rem; border-radius:3px; }
    .error ul { margin:.3rem 0 0; }
    .login { max-width:360px; margin:3rem auto; background:#fff; padding:1.5rem; border:1px solid var(--line); border-radius:4px; }
    .login form { display:flex; flex-direction:column; gap:.4rem; }
    .login input { padding:.45rem; border:1px solid var(--line); border-radius:3px; font-size:14px; }
    .login button { margin-top:.75rem; padding:.5rem; background:var(--accent); color:#fff; border:0; border-radius:3px; font-size:15px; cursor:pointer; }
    .error-page { max-width:560px; margin:3rem auto; background:#fff; padding:1.5rem; border:1px solid var(--line); }
    .scroll { overflow-x:auto; }
    .cards { display:flex; flex-wrap:wrap; gap:.6rem; margin:.5rem 0 1rem; }
    .card { display:flex; flex-direction:column; min-width:120px; padding:.6rem .9rem; background:#fff; border:1px solid var(--line);
            border-left:4px solid var(--grey); border-radius:3px; text-decoration:none; color:var(--ink); }
    .card strong { font-size:22px; } .card.red { border-left-color:var(--red); } .card.yellow { border-left-color:var(--yellow); }
    .card.green { border-left-color:var(--green); }
    .grid { display:grid; grid-template-columns:repeat(auto-fill, minmax(420px, 1fr)); gap:.8rem; }
    .grid.two { grid-template-columns:repeat(auto-fill, minmax(520px, 1fr)); }
    .panel { background:#fff; border:1px solid var(--line); border-radius:3px; padding:.7rem .9rem; margin-bottom:.8rem; min-width:0; }
    table.figures { font-size:12px; border-collapse:collapse; margin-top:.3rem; }
    table.figures caption { text-align:left; color:var(--muted); }
    table.figures th, table.figures td { padding:.1rem .5rem; border-bottom:1px solid var(--line); text-align:left; }
    table.figures td.num { text-align:right; }
    svg.chart { max-width:100%; height:auto; display:block; }
    svg.chart text { font-size:11px; fill:var(--ink); } svg.chart text.big { font-size:26px; font-weight:700; } svg.chart text.small { font-size:11px; }
    svg.chart .ring { fill:none; stroke:#eef2f7; stroke-width:22; } svg.chart .arc { fill:none; stroke-width:22; }
    svg.chart .line { fill:none; stroke:var(--accent); stroke-width:2; } svg.chart .dot { fill:var(--accent); } svg.chart .axis { stroke:var(--line); }
    svg.chart .target { fill:none; stroke:var(--muted); stroke-width:1.5; stroke-dasharray:5 4; } svg.chart .line.thin { stroke-width:1; opacity:.6; }
    .s-red { fill:var(--red); stroke:var(--red); } .s-yellow { fill:var(--yellow); stroke:var(--yellow); } .s-green { fill:var(--green); stroke:var(--green); }
    .s-grey { fill:var(--grey); stroke:var(--grey); } .s-blue { fill:var(--blue); stroke:var(--blue); } .s-done { fill:#1b5e20; stroke:#1b5e20; }
    .s-basic { fill:#66bb6a; stroke:#66bb6a; } .s-full { fill:#26a69a; stroke:#26a69a; }
    form.filters { display:flex; flex-wrap:wrap; gap:.4rem .8rem; align-items:flex-end; background:#fff; border:1px solid var(--line); padding:.5rem .7rem; margin-bottom:.6rem; }
    form.filters .field { display:flex; flex-direction:column; }
    form.filters .actions { display:flex; gap:.6rem; align-items:center; }
    form.action { background:#fbfcfd; border:1px solid var(--line); border-radius:3px; padding:.6rem .8rem; margin:.5rem 0; }
    form.action.wide { background:#fff; max-width:860px; }
    form.inline { margin:.4rem 0; }
    form.inline-button { display:inline; margin-left:.5rem; } form.inline-button button { padding:.05rem .5rem; font-size:12px; }
    ul.inbox { list-style:none; padding:0; } ul.inbox li { padding:.5rem .75rem; border-bottom:1px solid #e3e8ef; }
    ul.inbox li.unread { border-left:3px solid var(--accent, #0b6e4f); background:#fff; } ul.inbox li.read { opacity:.75; }
    ul.inbox li form { display:inline; margin:0; } ul.inbox li p { margin:.2rem 0; }
    button.link { background:none; border:none; padding:0; color:inherit; cursor:pointer; text-align:left; }
    button.link:hover strong { text-decoration:underline; }
    .field { display:flex; flex-direction:column; margin:.25rem 0; min-width:140px; }
    .field label { font-size:12px; color:var(--muted); }
    .field input, .field select, .field textarea, td textarea, td select, td input { padding:.3rem .4rem; border:1px solid #bcccdc; border-radius:3px; font:inherit; background:#fff; max-width:100%; }
    .field textarea, td textarea { width:100%; min-width:12rem; }
    .field.invalid input, .field.invalid textarea, .field.invalid select { border-color:var(--red); }
    .field-error { color:var(--red); }
    .req { color:var(--red); }
    .actions { display:flex; gap:.5rem; margin-top:.4rem; }
    label.check { display:block; margin:.15rem 0; }
    fieldset { border:1px solid var(--line); border-radius:3px; margin:.4rem 0; }
    input.narrow { width:5rem; }
    dl { display:grid; grid-template-columns:7em 1fr; gap:.25rem .8rem; margin:0; }
    dt { color:var(--muted); } dd { margin:0; } dd p { margin:0 0 .3rem; }
    article.report, article.entry { border-top:1px solid var(--line); padding:.5rem 0; }
    article.report.returned { opacity:.8; }
    .objection { margin:.3rem 0 .3rem 1rem; padding-left:.6rem; border-left:3px solid var(--yellow); }
    ol.timeline { list-style:none; padding:0; margin:0; font-size:13px; max-height:28rem; overflow:auto; }
    ol.timeline li { padding:.2rem 0; border-bottom:1px dashed var(--line); }
    ol.timeline .when { color:var(--muted); font-variant-numeric:tabular-nums; }
    .counts .chip { margin-left:.6rem; text-decoration:none; }
    .chip.red { color:var(--red); } .chip.yellow { color:#9a7000; } .chip.green { color:var(--green); }
    nav.pager { display:flex; gap:1rem; justify-content:center; margin:.8rem 0; }
    nav.tabs { display:flex; gap:.3rem; margin-bottom:.6rem; } nav.tabs a { padding:.25rem .7rem; border:1px solid var(--line); border-radius:3px; background:#fff; text-decoration:none; }
    nav.tabs a.on { background:var(--accent); color:#fff; }
    table.matrix a.cell { display:inline-block; min-width:2.2em; margin:1px; padding:0 .25rem; text-align:center; border-radius:2px; color:#fff; text-decoration:none; font-size:12px; }
    a.cell.reported { background:var(--green); } a.cell.late { background:var(--yellow); } a.cell.missing { background:var(--red); }
    ul.cards-list { list-style:none; padding:0; } ul.cards-list li { background:#fff; border:1px solid var(--line); padding:.6rem .8rem; margin-bottom:.5rem; }
    a.file { display:block; font-size:12px; }
    code.token { font-size:13px; word-break:break-all; background:#fff; padding:.2rem .4rem; }
    article.official { background:#fff; max-width:46em; margin:1rem auto; padding:2rem 2.5rem; font:16px/1.9 "Noto Serif CJK SC","SimSun",serif; }
    article.official h1 { text-align:center; font-size:22px; margin-bottom:1.5em; } article.official h2 { font-size:17px; }
    article.official p { text-indent:2em; margin:.3em 0; } article.official .status { font-weight:700; }
    @media (max-width: 720px) {
      main { padding:.5rem; } .grid, .grid.two { grid-template-columns:1fr; }
      header.top nav a { padding:.2rem .35rem; } dl { grid-template-columns:1fr; }
      table.ledger { font-size:13px; }
    }
    @media print {
      header.top, .noprint, form, nav.pager { display:none !important; }
      body { background:#fff; } main { padding:0; } .panel { border:0; }
      article.official { margin:0; padding:0; }
    }
    """
}

/// The only script: conveniences on top of pages that work without it.
enum Script {
    static let js = """
    document.addEventListener('click', function (e) {
      var t = e.target;
      if (t.closest && t.closest('[data-print]')) { e.preventDefault(); window.print(); return; }
      var b = t.closest && t.closest('button.danger');
      if (b && !window.confirm('确定要“' + b.textContent.trim() + '”吗?')) { e.preventDefault(); }
    });
    document.addEventListener('submit', function (e) {
      var f = e.target;
      if (f.dataset.sent) { e.preventDefault(); return; }
      if ((f.method || '').toLowerCase() === 'post') { f.dataset.sent = '1'; setTimeout(function () { delete f.dataset.sent; }, 4000); }
    });
    """
}
