import Fluent
import Plot
import SQLKit
import Vapor
import RectifyCore

/// The task page: every field, units by role, milestones, both deadlines, the timeline,
/// reports, records, evidence, and exactly the forms this user may use now.
struct TaskPageView: PageView {
    let context: PageContext
    let model: TaskPageModel
    let state: FormState?
    var title: String { "任务 \(model.detail.code)" }

    func value(_ form: String, _ name: String, _ fallback: String = "") -> String {
        guard let state, state.isFor(form) else { return fallback }
        return state.value(name, fallback)
    }
    func error(_ form: String, _ name: String) -> String? {
        guard let state, state.isFor(form) else { return nil }
        return state.error(name)
    }

    var content: Node<HTML.BodyContext> {
        let d = model.detail
        let units = Dictionary(grouping: d.units, by: \.role)
        return .div(
            .p(.class("crumbs"), .a(.href(HTMLText.escape(SiteURL.ledger.with([("inspection", String(d.inspectionID))]))), .words(model.inspectionTitle)),
               .unwrap(model.parent) { p in
                   .group(.words(" › 分解自 "),
                          p.readable ? .a(.href(SiteURL.task(p.id).path), .words("\(p.code). \(p.title)"))
                                     : .span(.words("\(p.code). \(p.title)(\(Self.regionName(p.regionCode)))")))
               }),
            .div(.class("titlebar"),
                 .h1(.words("\(d.code). \(d.title)")),
                 .div(.class("badges"), .span(.class("state"), .words(d.state.label)), .light(d.light?.rawValue),
                      .span(.class("tag"), .words(d.publicStatus)))),
            .unwrap(state?.form == nil ? state?.message : nil) { .p(.class("error"), .words($0)) },
            .unwrap(model.withdrawal) { .p(.class("notice"), .strong("已从整改方案中核减:"), .words($0 + "。")) },
            .div(.class("grid two"),
                 .section(.class("panel"),
                          .h2("基本情况"),
                          .dl(
                            .dt("反馈问题"), .dd(.forEach(model.problems) { n, text in
                                .p(.words("\(ChineseNumeral.string(n) ?? String(n))、\(text)"))
                            }, .if(model.problems.isEmpty, .words("—"))),
                            .dt("整改目标"), .dd(.words(d.target.isEmpty ? "—" : d.target)),
                            .dt("整改措施"), .dd(.class("pre"), .words(d.measures.isEmpty ? "—" : d.measures)),
                            .dt("类型"), .dd(.words(d.kind.label + (d.typical ? "(典型问题)" : ""))),
                            .dt("整改时限"), .dd(.words(Fmt.deadline(d.deadline, kind: d.kind.rawValue)),
                                              .if(d.originalDeadline != nil && d.originalDeadline != d.deadline,
                                                  .span(.class("sub"), .words(" 原整改时限:\(Fmt.date(d.originalDeadline))")))),
                            .dt("预警说明"), .dd(.words(d.scheduleReason ?? "—")),
                            .dt("责任领导"), .dd(.words(d.leadOfficial.isEmpty ? "—" : d.leadOfficial)),
                            .forEach(UnitRole.allCases) { role in
                                .group(.dt(.words(role.label)),
                                       .dd(.words((units[role] ?? []).map(\.name).joined(separator: "、").isEmpty
                                                 ? "—" : (units[role] ?? []).map(\.name).joined(separator: "、"))))
                            },
                            .if(!d.acceptanceSteps.isEmpty, .group(.dt("逐级验收"), .dd(.forEach(Array(d.acceptanceSteps.enumerated())) { i, step in
                                .group(.if(i > 0, .words(" → ")),
                                       .span(.class(i < d.acceptanceStepsPassed ? "tag" : ""),
                                             .words(step.name + (i < d.acceptanceStepsPassed ? "(已通过)"
                                                : i == d.acceptanceStepsPassed && d.state == .completionSubmitted ? "(待办)" : ""))))
                            }))),
                            .if(d.reboundCount > 0, .group(.dt("反弹次数"), .dd(.words(String(d.reboundCount))))),
                            .if(!model.orders.isEmpty, .group(.dt("督办"), .dd(.words(model.orders.map { "\($0.0)(\($0.1))" }.joined(separator: "、")))))
                          ),
                          .h3("阶段目标"),
                          .if(d.milestones.isEmpty, .p(.class("empty"), .words("没有阶段目标。"))),
                          .ul(.forEach(d.milestones) { m in
                              .li(.words("\(Fmt.date(m.date)):\(m.description)"),
                                  .unwrap(m.reachedOn) { .span(.class("tag"), .words("\(Fmt.date($0)) 已完成")) })
                          })),
                 .section(.class("panel"),
                          .h2("可办理的事项"),
                          actions)
            ),
            .if(!model.subtasks.isEmpty || !model.splitUnits.isEmpty, .section(.class("panel"), .id("subtasks"),
                .h2(.words(model.subtasks.isEmpty ? "分解到下级" : "分解的子任务(\(d.subtasksTotal) 项,未销号 \(d.subtasksOpen) 项)")),
                subtasks)),
            .if(!model.lineage.isEmpty || !model.linkCandidates.isEmpty,
                .section(.class("panel"), .id("lineage"), .h2("问题沿革(历次督察)"), lineage)),
            .section(.class("panel"), .h2("整改进展报送"), reports),
            .section(.class("panel"), .h2("核查、验收、公示与回头看"), entries),
            .if(!model.extensions.isEmpty, .section(.class("panel"), .h2("延期申请"), extensions)),
            .if(!model.cases.isEmpty, .section(.class("panel"), .h2("关联的信访举报件(\(model.cases.count) 件)"),
                .ul(.class("cases"), .forEach(model.cases) { c in
                    .li(.a(.href(SiteURL.petitionCase(c.0).path), .words(c.1)), .words(" \(c.2)(\(c.3))"))
                }))),
            .section(.class("panel"), .h2("佐证材料"), evidence),
            .section(.class("panel"), .h2("全过程记录"),
                     .ol(.class("timeline"), .forEach(model.events) { e in
                         .li(.span(.class("when"), .words(Fmt.instant(e.at))), .words(" \(e.who) "), .strong(.words(AuditAction.words(e.action))))
                     }))
        )
    }

    static func regionName(_ code: Int?) -> String {
        code.flatMap { RegionCatalog.byCode[$0]?.name } ?? code.map(String.init) ?? "—"
    }

    /// The parts the task was split into, each with its own figures, and the office's split form.
    var subtasks: Node<HTML.BodyContext> {
        let d = model.detail
        let shown = model.subtasks.filter(\.readable)
        return .div(
            .if(!model.subtasks.isEmpty, .p(.class("sub"), .words(
                "按子任务汇总(规则见 docs/lifecycle.md):完成 \(d.percent ?? 0)%;"
                + "子任务有一项未达到序时进度,本任务即未达到;子任务全部销号后,本任务才能申请验收。"))),
            .if(!shown.isEmpty, .table(.class("ledger"),
                .thead(.tr(.th("编号"), .th("子任务"), .th("地区"), .th("整改时限"), .th("状态"), .th("预警"), .th("完成情况"), .th("完成"))),
                .tbody(.forEach(shown) { s in
                    .tr(.td(.words(s.code)), .td(.a(.href(SiteURL.task(s.id).path), .words(s.title))),
                        .td(.words(Self.regionName(s.regionCode))), .td(.words(Fmt.date(s.deadline))),
                        .td(.words(s.facts.state.label)), .td(.light(s.facts.light?.rawValue)),
                        .td(.words(s.facts.status?.label ?? "—")),
                        .td(.words(s.facts.state == .accepted || s.facts.state == .publicNotice || s.facts.state == .closed
                                   ? "100%" : "\(s.facts.percent ?? 0)%")))
                }))),
            .if(shown.count < model.subtasks.count, .p(.class("sub"), .words("另有 \(model.subtasks.count - shown.count) 项子任务不在您的查看范围内,已计入汇总。"))),
            .if(!model.splitUnits.isEmpty, .form(
                .class("action"), .method(.post), .action(SiteURL.taskSplit(d.id).path),
                Forms.csrf(context),
                .h3("分解给下级地区或单位"),
                Forms.message(state, "split"),
                Forms.select("责任单位", "responsible", options: model.splitUnits.map { (String($0.0), $0.1) },
                             selected: value("split", "responsible"), error: error("split", "responsible"), form: "split", blank: "请选择"),
                Forms.select("验收单位", "acceptance", options: model.splitUnits.map { (String($0.0), $0.1) },
                             selected: value("split", "acceptance"), form: "split", blank: "(不指定)"),
                Forms.field("整改时限", "deadline", type: .date, value: value("split", "deadline", d.deadline ?? ""),
                            required: d.kind == .timeLimited,
                            hint: d.deadline.map { "不得晚于本任务的整改时限 \(Fmt.date($0))" }, error: error("split", "deadline"), form: "split"),
                Forms.field("子任务名称", "title", value: value("split", "title"), hint: "不填则为本任务名称加地区", form: "split"),
                Forms.area("整改目标", "target", value: value("split", "target", d.target), rows: 2, form: "split"),
                Forms.area("整改措施", "measures", value: value("split", "measures"), rows: 2, form: "split"),
                Forms.submit("分解", style: "secondary")))
        )
    }

    /// Each of the task's problems as earlier inspections found it and later ones found it again.
    var lineage: Node<HTML.BodyContext> {
        let groups = Dictionary(grouping: model.lineage) { "\($0.dir)|\($0.linkID)" }
        let keys = model.lineage.map { "\($0.dir)|\($0.linkID)" }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        return .div(
            .if(model.lineage.isEmpty, .p(.class("empty"), .words("本任务的问题尚未关联其他督察的问题。"))),
            .ul(.class("lineage"), .forEach(keys) { key in
                let rows = groups[key] ?? []
                let l = rows[0]
                let mine = ChineseNumeral.string(l.mine) ?? String(l.mine)
                let other = ChineseNumeral.string(l.otherNumber) ?? String(l.otherNumber)
                let when = l.feedbackDate.flatMap(LocalDate.init(iso:)).map { "(\($0.chinese)反馈)" } ?? ""
                let lead = l.dir == "earlier"
                    ? "本任务问题\(mine)是此前“\(l.inspectionTitle)”\(when)问题\(other)的\(l.kind.label)"
                    : "此后“\(l.inspectionTitle)”\(when)问题\(other)为本任务问题\(mine)的\(l.kind.label)"
                return .li(.words(lead + ":" + String(l.otherText.prefix(80))),
                           .if(!l.note.isEmpty, .span(.class("sub"), .words("(\(l.note))"))),
                           .ul(.forEach(rows.filter { $0.taskCode != nil }) { t in
                               .li(t.readable == 1 && t.taskID != nil
                                   ? .a(.href(SiteURL.task(t.taskID ?? 0).path), .words("\(t.taskCode ?? ""). \(t.taskTitle ?? "")"))
                                   : .span(.words("任务 \(t.taskCode ?? "")(不在您的查看范围内)")),
                                   .if(t.readable == 1, .words(" \(t.taskState?.label ?? "")" + (t.taskStatus.map { ",\($0.label)" } ?? ""))))
                           }))
            }),
            .if(!model.linkCandidates.isEmpty, .form(
                .class("action"), .method(.post), .action(SiteURL.taskLineage(model.detail.id).path),
                Forms.csrf(context),
                .h3("关联此前督察的问题"),
                Forms.message(state, "lineage"),
                Forms.select("本任务的问题", "problemID", options: model.problemIDs.map { (String($0.0), "问题\(ChineseNumeral.string($0.1) ?? String($0.1))") },
                             selected: value("lineage", "problemID"), error: error("lineage", "problemID"), form: "lineage"),
                Forms.select("此前的督察", "earlierInspectionID", options: model.linkCandidates.map { (String($0.0), $0.1) },
                             selected: value("lineage", "earlierInspectionID"), error: error("lineage", "earlierInspectionID"),
                             form: "lineage", blank: "请选择"),
                Forms.field("该督察的问题编号", "earlierNumber", value: value("lineage", "earlierNumber"), required: true,
                            hint: "如 3 或 三,见该督察的反馈问题清单",
                            // The service's refusals (already linked, not earlier, …) name the problem it resolved to.
                            error: error("lineage", "earlierNumber") ?? error("lineage", "earlierProblemID"), form: "lineage"),
                Forms.select("关联类型", "kind", options: ProblemLinkKind.allCases.map { ($0.rawValue, $0.label) },
                             selected: value("lineage", "kind", ProblemLinkKind.same.rawValue), form: "lineage"),
                Forms.field("说明", "note", value: value("lineage", "note"), form: "lineage"),
                Forms.submit("关联", style: "secondary")))
        )
    }

    var actions: Node<HTML.BodyContext> {
        let d = model.detail
        let offered = d.allowedActions.filter { ![.upholdObjection, .lookBackRebound].contains($0) }
        let today = model.today
        let hasOptions = !offered.isEmpty || model.canReport || model.isOffice || model.isLeader
        return .div(
            .if(!hasOptions, .p(.class("empty"), .words("您目前没有可办理的事项。"))),
            .forEach(offered) { action in
                .form(.class("action"), .method(.post), .action(SiteURL.taskAct(d.id, action).path),
                      Forms.csrf(context),
                      .input(.type(.hidden), .name("version"), .value(String(d.version))),
                      Forms.message(state, action.rawValue),
                      fields(for: action, today: today),
                      Forms.submit(action.label, style: action == .acceptFail ? "danger" : "primary"))
            },
            .if(model.canReport, .form(
                .class("action"), .method(.post), .action(SiteURL.taskReport(d.id).path),
                .enctype(.multipartData),
                Forms.csrf(context),
                .h3("报送整改进展"),
                Forms.message(state, "report"),
                Forms.area("本期进展", "narrative", value: value("report", "narrative"), required: true, rows: 4,
                           error: error("report", "narrative"), form: "report"),
                Forms.field("完成比例(%)", "percent", type: .number, value: value("report", "percent"), error: error("report", "percent"), form: "report"),
                .if(!d.milestones.filter { $0.reachedOn == nil }.isEmpty, .fieldset(
                    .element(named: "legend", text: "本期完成的阶段目标"),
                    .forEach(d.milestones.filter { $0.reachedOn == nil }) { m in
                        .label(.class("check"), .input(.type(.checkbox), .name("milestonesReached[]"), .value(String(m.id))),
                               .words(" \(Fmt.date(m.date)):\(m.description)"))
                    })),
                Forms.area("存在困难", "difficulties", value: value("report", "difficulties"), rows: 2, form: "report"),
                Forms.area("下一步工作", "nextSteps", value: value("report", "nextSteps"), rows: 2, form: "report"),
                .div(.class("field wide"), .label(.for("report-file"), "佐证材料(可选)"),
                     .input(.id("report-file"), .type(.file), .name("file"))),
                Forms.submit("报送"))),
            .if(model.canReport, .form(
                .class("action"), .method(.post), .action(SiteURL.taskExtension(d.id).path),
                Forms.csrf(context),
                .h3("申请延期"),
                Forms.message(state, "extension"),
                Forms.field("申请延至", "deadline", type: .date, value: value("extension", "deadline"), required: true,
                            error: error("extension", "deadline"), form: "extension"),
                Forms.area("理由", "reason", value: value("extension", "reason"), required: true, rows: 2,
                           error: error("extension", "reason"), form: "extension"),
                Forms.submit("提交延期申请", style: "secondary"))),
            .if(model.isOffice, .form(
                .class("action"), .method(.post), .action(SiteURL.taskVerification(d.id).path),
                Forms.csrf(context),
                .h3("记录现场核查"),
                Forms.message(state, "verification"),
                Forms.field("核查日期", "date", type: .date, value: value("verification", "date", today.iso), required: true,
                            error: error("verification", "date"), form: "verification"),
                Forms.field("核查人员", "people", value: value("verification", "people"), required: true,
                            error: error("verification", "people"), form: "verification"),
                Forms.area("核查发现", "findings", value: value("verification", "findings"), required: true, rows: 2,
                           error: error("verification", "findings"), form: "verification"),
                Forms.submit("记录核查", style: "secondary"))),
            .if(model.isOffice && [.closed, .accepted, .publicNotice].contains(d.state), .form(
                .class("action"), .method(.post), .action(SiteURL.taskLookBack(d.id).path),
                Forms.csrf(context),
                .h3("回头看"),
                Forms.message(state, "lookback"),
                Forms.select("结果", "result", options: [("holding", "巩固(整改成果保持)"), ("rebound", "反弹(重新整改)"), ("scheduled", "安排回头看")],
                             selected: value("lookback", "result", "holding"), form: "lookback"),
                Forms.field("日期", "date", type: .date, value: value("lookback", "date", today.iso), error: error("lookback", "date"), form: "lookback"),
                Forms.field("人员", "people", value: value("lookback", "people"), form: "lookback"),
                Forms.area("发现", "findings", value: value("lookback", "findings"), required: true, rows: 2,
                           error: error("lookback", "findings"), form: "lookback"),
                Forms.submit("记录回头看", style: "secondary"))),
            .if(model.isOffice && ![.closed, .draft].contains(d.state), .form(
                .class("action"), .method(.post), .action(SiteURL.orders.path),
                Forms.csrf(context),
                .input(.type(.hidden), .name("taskIDs[]"), .value(String(d.id))),
                .h3("下发督办单"),
                Forms.message(state, "order"),
                Forms.select("被督办单位", "unitID", options: d.units.filter { $0.role != .acceptance }.map { (String($0.id), $0.name) },
                             selected: value("order", "unitID"), error: error("order", "unitID"), form: "order"),
                Forms.select("督办方式", "level", options: OversightService.Level.allCases.map { ($0.rawValue, $0.label) },
                             selected: value("order", "level", "order"), form: "order"),
                Forms.field("回复期限", "replyBy", type: .date, value: value("order", "replyBy", today.adding(days: 10).iso), required: true,
                            error: error("order", "replyBy"), form: "order"),
                Forms.area("督办事由", "reason", value: value("order", "reason"), required: true, rows: 2,
                           error: error("order", "reason"), form: "order"),
                Forms.submit("下发督办单", style: "secondary"))),
            .if(model.isLeader, .form(
                .class("action"), .method(.post), .action(SiteURL.taskInstruction(d.id).path),
                Forms.csrf(context),
                .h3("领导批示"),
                Forms.message(state, "instruction"),
                Forms.area("批示内容", "text", value: value("instruction", "text"), required: true, rows: 2,
                           error: error("instruction", "text"), form: "instruction"),
                Forms.submit("记录批示", style: "secondary")))
        )
    }

    func fields(for action: TaskAction, today: LocalDate) -> Node<HTML.FormContext> {
        let form = action.rawValue
        switch action {
        case .submitCompletion:
            return Forms.area("整改情况说明", "narrative", value: value(form, "narrative"), required: true, rows: 3,
                              error: error(form, "narrative"), form: form)
        case .acceptPass, .acceptFail, .acceptBasicallyComplete:
            return Forms.area("验收意见", "opinion", value: value(form, "opinion"), required: true, rows: 3,
                              error: error(form, "opinion"), form: form)
        case .openNotice:
            return .group(
                Forms.field("公示开始", "noticeStart", type: .date, value: value(form, "noticeStart", today.iso), required: true,
                            error: error(form, "noticeStart"), form: form),
                Forms.field("公示结束", "noticeEnd", type: .date, value: value(form, "noticeEnd", today.endOfWorkingDays(5).iso), required: true,
                            error: error(form, "noticeEnd"), form: form),
                Forms.area("公示内容", "noticeText", value: value(form, "noticeText"), required: true, rows: 3,
                           error: error(form, "noticeText"), form: form))
        default:
            return .empty
        }
    }

    var reports: Node<HTML.BodyContext> {
        .div(
            .if(model.reports.isEmpty, .p(.class("empty"), .words("还没有报送。"))),
            .forEach(model.reports) { r in
                .article(.class("report \(r.status)"),
                         .p(.class("sub"), .words("\(Fmt.instant(r.submittedAt)) · \(r.unit) · "),
                            .strong(.words(ReportStatus(rawValue: r.status)?.label ?? r.status)),
                            .unwrap(r.percent) { .words(" · 完成 \($0)%") }),
                         .p(.class("pre"), .words(r.narrative)),
                         .if(!r.difficulties.isEmpty, .p(.class("sub"), .words("困难:\(r.difficulties)"))),
                         .if(!r.nextSteps.isEmpty, .p(.class("sub"), .words("下一步:\(r.nextSteps)"))),
                         .unwrap(r.reason) { .p(.class("sub"), .words("退回理由:\($0)")) },
                         .if(model.canReview && r.status == ReportStatus.submitted.rawValue, .form(
                            .class("inline"), .method(.post), .action(SiteURL.reportReview(r.id).path),
                            Forms.csrf(context),
                            Forms.message(state, "review-\(r.id)"),
                            Forms.field("退回理由(退回时必填)", "reason", value: value("review-\(r.id)", "reason"),
                                        error: error("review-\(r.id)", "reason"), form: "review-\(r.id)"),
                            .div(.class("actions"),
                                 .button(.type(.submit), .name("decision"), .value("accept"), .class("primary"), .words("采纳")),
                                 .button(.type(.submit), .name("decision"), .value("return"), .class("secondary"), .words("退回")))
                         )))
            }
        )
    }

    /// An objection to a notice: its text, who made it online (office only), the answer or the form to answer it.
    func objection(_ o: TaskPageModel.Entry) -> Node<HTML.BodyContext> {
        let contact: Node<HTML.BodyContext> = .unwrap(o.contact) { .p(.class("sub"), .words("网上提出,联系方式:\($0)")) }
        let answer: Node<HTML.BodyContext> = .unwrap(o.answer) { a in
            .p(.words("答复:\(a)"), .unwrap(o.verdict) { .span(.class("tag"), .words(verdictWord($0))) })
        }
        let form: Node<HTML.BodyContext> = o.answer == nil && model.isOffice ? .form(
            .class("inline"), .method(.post), .action(SiteURL.objectionAnswer(o.id).path),
            Forms.csrf(context),
            Forms.message(state, "answer-\(o.id)"),
            Forms.area("答复", "answer", value: value("answer-\(o.id)", "answer"), required: true, rows: 2,
                       error: error("answer-\(o.id)", "answer"), form: "answer-\(o.id)"),
            .div(.class("actions"),
                 .button(.type(.submit), .name("upheld"), .value("false"), .class("primary"), .words("异议不成立")),
                 .button(.type(.submit), .name("upheld"), .value("true"), .class("danger"), .words("异议成立,退回整改")))) : .empty
        return .div(.class("objection"), .p(.strong("异议"), .words(" \(Fmt.date(o.onDate)):\(o.text)")), contact, answer, form)
    }

    var entries: Node<HTML.BodyContext> {
        let objections = Dictionary(grouping: model.entries.filter { $0.kind == TaskEntryKind.objection.rawValue }, by: { $0.parentID ?? 0 })
        return .div(
            .if(model.entries.isEmpty, .p(.class("empty"), .words("还没有记录。"))),
            .forEach(model.entries.filter { $0.kind != TaskEntryKind.objection.rawValue }) { e in
                .article(.class("entry"),
                         .p(.strong(.words(e.step ?? TaskEntryKind(rawValue: e.kind)?.label ?? e.kind)),
                            .words(" \(Fmt.date(e.onDate))" + (e.untilDate.map { " 至 \(Fmt.date($0))" } ?? "")),
                            .if(!e.people.isEmpty, .words(" · \(e.people)")),
                            .unwrap(e.verdict) { .span(.class("tag"), .words(verdictWord($0))) }),
                         .p(.class("pre"), .words(e.text)),
                         .if(e.kind == TaskEntryKind.acceptance.rawValue,
                             .p(.a(.href(SiteURL.acceptanceDocument(model.detail.id, e.id).path), .words("下载\(e.step ?? "验收")意见书(Word)")))),
                         .if(e.kind == TaskEntryKind.notice.rawValue, .div(
                            .forEach(objections[e.id] ?? []) { objection($0) },
                            .if(model.isOffice && model.detail.state == .publicNotice, .form(
                                .class("inline"), .method(.post), .action(SiteURL.noticeObjection(e.id).path),
                                Forms.csrf(context),
                                .h3("登记公示异议"),
                                Forms.message(state, "objection"),
                                Forms.field("收到日期", "receivedOn", type: .date, value: value("objection", "receivedOn", model.today.iso),
                                            required: true, error: error("objection", "receivedOn"), form: "objection"),
                                Forms.area("异议内容", "content", value: value("objection", "content"), required: true, rows: 2,
                                           error: error("objection", "content"), form: "objection"),
                                Forms.submit("登记", style: "secondary")))
                         )))
            }
        )
    }

    func verdictWord(_ v: String) -> String { EntryVerdict(rawValue: v)?.label ?? v }

    var extensions: Node<HTML.BodyContext> {
        .ul(.forEach(model.extensions) { e in
            .li(.words("\(e.unit) 申请延至 \(Fmt.date(e.requested))(原 \(Fmt.date(e.previous))):\(e.reason) "),
                .span(.class("tag"), .words(ExtensionStatus(rawValue: e.status)?.label ?? e.status)),
                .unwrap(e.note) { .span(.class("sub"), .words(" \($0)")) },
                .if(e.status == ExtensionStatus.pending.rawValue && model.isOffice, .form(
                    .class("inline"), .method(.post), .action(SiteURL.extensionDecide(e.id).path),
                    Forms.csrf(context),
                    Forms.message(state, "decide-\(e.id)"),
                    Forms.field("意见", "note", value: value("decide-\(e.id)", "note"), form: "decide-\(e.id)"),
                    .div(.class("actions"),
                         .button(.type(.submit), .name("approve"), .value("true"), .class("primary"), .words("同意延期")),
                         .button(.type(.submit), .name("approve"), .value("false"), .class("secondary"), .words("不同意")))
                )))
        })
    }

    var evidence: Node<HTML.BodyContext> {
        .div(
            .if(model.evidence.isEmpty, .p(.class("empty"), .words("还没有佐证材料。"))),
            .ul(.forEach(model.evidence) { e in
                .li(.a(.href(SiteURL.evidence(e.id).path), .words(e.name)), .span(.class("sub"), .words(" \(max(1, e.size / 1024)) KB")),
                    .if(e.isPublic, .span(.class("tag"), .words("已公开"))),
                    .if(model.isOffice, .form(.class("inline-button"), .method(.post), .action(SiteURL.evidencePublish(e.id).path),
                                              Forms.csrf(context), .input(.type(.hidden), .name("isPublic"), .value(HTMLText.escape(e.isPublic ? "false" : "true"))),
                                              .button(.type(.submit), .class("secondary"), .words(e.isPublic ? "撤回公开" : "在信息公开中公布")))))
            }),
            .if(model.canUpload, .form(
                .class("inline"), .method(.post), .action(SiteURL.taskEvidence(model.detail.id).path), .enctype(.multipartData),
                Forms.csrf(context),
                Forms.message(state, "evidence"),
                .div(.class("field wide"), .label(.for("evidence-file"), "上传佐证材料(图片、PDF、OFD、Office/WPS 文档)"),
                     .input(.id("evidence-file"), .type(.file), .name("file"), .required(true)),
                     .unwrap(error("evidence", "file")) { .small(.class("field-error"), .words($0)) }),
                Forms.submit("上传", style: "secondary")))
        )
    }
}
