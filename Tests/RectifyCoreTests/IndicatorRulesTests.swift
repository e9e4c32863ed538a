import Foundation
import PropertyBased
import Testing
import XCTest
import RectifyCore
import RectifyTestSupport

/// 目标指标 (issue 15 §2): the path, the light rule, periods, numbers as typed, 同比, the
/// report's sentence, and the plan's changes against its baseline.
final class IndicatorRulesTests: XCTestCase {
    let pm25 = IndicatorCatalog.national.first { $0.code == "pm25" }!
    let goodDays = IndicatorCatalog.national.first { $0.code == "goodDays" }!

    func testThePathIsTheBaselineThenExplicitYearsElseTheStraightLineThenTheTarget() {
        let path = IndicatorPath(baselineYear: 2020, baselineValue: 40, targetYear: 2025, targetValue: 30, yearly: [2022: 35])
        XCTAssertEqual(path.expected(in: 2019), 40)
        XCTAssertEqual(path.expected(in: 2020), 40)
        XCTAssertEqual(path.expected(in: 2021), 37.5, accuracy: 1e-9)
        XCTAssertEqual(path.expected(in: 2022), 35)
        XCTAssertEqual(path.expected(in: 2024), 31.666_666, accuracy: 1e-5)
        XCTAssertEqual(path.expected(in: 2025), 30)
        XCTAssertEqual(path.expected(in: 2030), 30)
        XCTAssertTrue(path.violations(for: pm25).isEmpty)
        let bad = IndicatorPath(baselineYear: 2025, baselineValue: -1, targetYear: 2020, targetValue: 30, yearly: [2030: 1], tolerancePercent: 80)
        XCTAssertEqual(Set(bad.violations(for: pm25).map(\.code)),
                       ["indicator.yearsInvalid", "indicator.valueOutOfRange", "indicator.pathYearOutside", "indicator.toleranceInvalid"])
    }

    func testLightIsGreenOnThePathYellowWithinToleranceRedBeyondInBothDirections() {
        let lower = IndicatorPath(baselineYear: 2023, baselineValue: 35, targetYear: 2025, targetValue: 31)
        // 2024 path value is 33; 5% of it is 1.65.
        XCTAssertEqual(IndicatorLight.of(33.0, year: 2024, path: lower, spec: pm25), .green)
        XCTAssertEqual(IndicatorLight.of(30.0, year: 2024, path: lower, spec: pm25), .green)
        XCTAssertEqual(IndicatorLight.of(34.6, year: 2024, path: lower, spec: pm25), .yellow)
        XCTAssertEqual(IndicatorLight.of(34.7, year: 2024, path: lower, spec: pm25), .red)
        // Printed equal to the path is on it (33.04 prints as 33.0).
        XCTAssertEqual(IndicatorLight.of(33.04, year: 2024, path: lower, spec: pm25), .green)
        let higher = IndicatorPath(baselineYear: 2023, baselineValue: 80, targetYear: 2025, targetValue: 84.1)
        XCTAssertEqual(IndicatorLight.of(84.1, year: 2025, path: higher, spec: goodDays), .green)
        XCTAssertEqual(IndicatorLight.of(80.0, year: 2025, path: higher, spec: goodDays), .yellow)
        XCTAssertEqual(IndicatorLight.of(79.8, year: 2025, path: higher, spec: goodDays), .red)
        // As printed: 78.574 is entered as 78.6; the 2019 path value 78.625 prints 78.6: on the path.
        let printed = IndicatorPath(baselineYear: 2016, baselineValue: 74.5, targetYear: 2020, targetValue: 80)
        XCTAssertEqual(try IndicatorNumber.check(78.574, for: goodDays).get(), 78.6)
        XCTAssertEqual(IndicatorLight.of(78.574, year: 2019, path: printed, spec: goodDays), .green)
        XCTAssertEqual(IndicatorSentence.of(spec: goodDays, regionName: "某市", period: IndicatorPeriod(year: 2019, month: 0)!, value: 78.6,
                                            previous: nil, path: printed), "2019年,某市优良天数比率为78.6%,已完成年度目标(78.6%)")
        let strict = IndicatorPath(baselineYear: 2023, baselineValue: 80, targetYear: 2025, targetValue: 84.1, tolerancePercent: 0)
        XCTAssertEqual(IndicatorLight.of(84.0, year: 2025, path: strict, spec: goodDays), .yellow, "a tolerance of 0 still allows one printed step")
        XCTAssertEqual(IndicatorLight.of(83.9, year: 2025, path: strict, spec: goodDays), .red)
    }

    func testPeriodsReadAsOfficesWriteThem() {
        XCTAssertEqual(IndicatorPeriod.parse("2025")?.description, "2025")
        XCTAssertEqual(IndicatorPeriod.parse("2025-3")?.description, "2025-03")
        XCTAssertEqual(IndicatorPeriod.parse("２０２５年３月"), IndicatorPeriod(year: 2025, month: 3))
        XCTAssertEqual(IndicatorPeriod.parse("2025年1-10月"), IndicatorPeriod(year: 2025, month: 10))
        XCTAssertEqual(IndicatorPeriod.parse("2025年1—10月")?.chinese, "2025年1—10月")
        XCTAssertEqual(IndicatorPeriod.parse("2025.12"), IndicatorPeriod(year: 2025, month: 12))
        for bad in ["", "2025-13", "三月", "2025年2-5月", "12345678901234567890123", "1800", "2025-03-01x"] {
            XCTAssertNil(IndicatorPeriod.parse(bad), bad)
        }
        XCTAssertTrue(IndicatorPeriod(year: 2025, month: 12)! < IndicatorPeriod(year: 2025, month: 0)!, "the whole year after December")
    }

    func testValuesAsTypedWithUnitsAndTheirErrors() {
        XCTAssertEqual(try IndicatorNumber.value("３１．２", for: pm25).get(), 31.2)
        XCTAssertEqual(try IndicatorNumber.value("31.2μg/m³", for: pm25).get(), 31.2)
        XCTAssertEqual(try IndicatorNumber.value("84.1%", for: goodDays).get(), 84.1)
        XCTAssertEqual(try IndicatorNumber.value("84.1", unit: "%", for: goodDays).get(), 84.1)
        func code(_ r: Result<Double, Violation>) -> String? { if case .failure(let v) = r { return v.code } else { return nil } }
        XCTAssertEqual(code(IndicatorNumber.value("31 mg/m3", for: pm25)), "indicator.wrongUnit")
        XCTAssertEqual(code(IndicatorNumber.value("31", unit: "毫克/立方米", for: pm25)), "indicator.wrongUnit")
        XCTAssertEqual(code(IndicatorNumber.value("良好", for: pm25)), "indicator.valueNotNumber")
        XCTAssertEqual(code(IndicatorNumber.value("", for: pm25)), "indicator.valueMissing")
        XCTAssertEqual(code(IndicatorNumber.value("841", for: goodDays)), "indicator.valueOutOfRange")
        XCTAssertEqual(code(IndicatorNumber.value("1e400", for: pm25)), "indicator.wrongUnit", "no exponents: “e400” is read as a unit")
        XCTAssertEqual(code(IndicatorNumber.value("99999999999999999999", for: pm25)), "indicator.valueNotNumber")
        XCTAssertEqual(code(IndicatorNumber.check(.nan, for: pm25)), "indicator.valueOutOfRange")
        XCTAssertEqual(IndicatorNumber.format(31.25, 1), "31.3")
        XCTAssertEqual(IndicatorNumber.format(-0.04, 1), "0.0")
        XCTAssertEqual(IndicatorNumber.format(-3.456, 2), "-3.46")
        XCTAssertEqual(IndicatorNumber.format(12, 0), "12")
        XCTAssertEqual(IndicatorNumber.format(.infinity, 1), "—")
    }

    func testYearOnYearAndTheReportSentence() {
        XCTAssertEqual(YearOnYear(current: 44, previous: 46).words(spec: pm25), "同比下降4.3%")
        XCTAssertEqual(YearOnYear(current: 46, previous: 44).words(spec: pm25), "同比上升4.5%")
        XCTAssertEqual(YearOnYear(current: 44, previous: 44).words(spec: pm25), "同比持平")
        XCTAssertEqual(YearOnYear(current: 75.8, previous: 74.5).words(spec: goodDays), "同比提高1.3个百分点")
        let path = IndicatorPath(baselineYear: 2016, baselineValue: 46, targetYear: 2020, targetValue: 42)
        XCTAssertEqual(IndicatorSentence.of(spec: pm25, regionName: "全省", period: IndicatorPeriod(year: 2017, month: 0)!, value: 44,
                                            previous: 46, path: path),
                       "2017年,全省PM2.5年均浓度为44.0微克/立方米,同比下降4.3%,已完成年度目标(45.0微克/立方米)")
        XCTAssertEqual(IndicatorSentence.of(spec: pm25, regionName: "全省", period: IndicatorPeriod(year: 2018, month: 10)!, value: 47,
                                            previous: nil, path: path),
                       "2018年1—10月,全省PM2.5年均浓度为47.0微克/立方米,未达到年度目标(44.0微克/立方米)")
    }

    func testPlanChangesAgainstTheBaseline() {
        let base = PlanBaseline(problems: 2, tasks: [.init(id: 1, number: 1, title: "甲", deadline: "2018-12-31", parts: 0),
                                                     .init(id: 2, number: 2, title: "乙", deadline: nil, parts: 0),
                                                     .init(id: 3, number: 3, title: "丙", deadline: "2019-06-30", parts: 0)])
        let now: [PlanChange.Current] = [
            .init(task: .init(id: 1, number: 1, title: "甲", deadline: "2019-06-30", parts: 2), withdrawn: nil),
            .init(task: .init(id: 2, number: 2, title: "乙", deadline: nil, parts: 0), withdrawn: nil),
            .init(task: .init(id: 9, number: 4, title: "举一反三", deadline: "2019-12-31", parts: 0), withdrawn: nil),
        ]
        let changes = PlanChange.between(base, now)
        XCTAssertEqual(changes.map(\.kind), [.split, .deadlineChanged, .missing, .added])
        XCTAssertEqual(changes[1].before, "2018-12-31")
        XCTAssertEqual(changes[1].after, "2019-06-30")
        XCTAssertEqual(PlanChange.between(base, base.tasks.map { .init(task: $0, withdrawn: nil) }), [])
        let figures = PlanFigures(documentNumber: "辽委办发〔2017〕88号", baselineTasks: 3, counts: [.completed: 1, .onSchedule: 2], added: 1)
        XCTAssertEqual(figures.sentence, "《整改方案》3项整改任务中,已有1项完成整改,2项按照序时进度有序推进;举一反三新增1项整改任务")
    }

    func testSheetRowsFindTheirColumnsAndFlagRowsWithoutAPeriod() throws {
        let cells = [["说明"], ["地区", "指标名称", "年份", "月份", "监测值", "单位"], ["乌海市", "PM2.5年均浓度", "2025", "3月", "31.2", "μg/m³"],
                     ["", "", "", "", "", ""], ["乌海市", "优良天数比率", "", "", "84", "%"]]
        let (header, rows) = try IndicatorSheet.rows(cells, lines: [1, 2, 3, 4, 5])
        XCTAssertEqual(header, 2)
        XCTAssertEqual(rows.count, 2)
        XCTAssertEqual(rows[0].period, IndicatorPeriod(year: 2025, month: 3))
        XCTAssertEqual(rows[0].value, "31.2")
        XCTAssertEqual(rows[1].violations.map(\.code), ["indicatorSheet.periodInvalid"])
        XCTAssertThrowsError(try IndicatorSheet.rows([["a", "b"]], lines: [1]))
    }
}

/// Whatever an office types into a number or period cell, reading it never traps, and a
/// number the server printed reads back as the same printed number.
@Suite struct IndicatorTextPropertyTests {
    @Test func givenAnyText_whenReadAsAValueOrAPeriod_thenItAnswersWithoutTrapping() async {
        let spec = IndicatorCatalog.national[0]
        await propertyCheck(count: 400, input: Hostile.string) { text in
            _ = IndicatorNumber.value(text, unit: text, for: spec)
            _ = IndicatorPeriod.parse(text)
            _ = IndicatorNumber.canonicalUnit(text)
        }
    }

    @Test func givenAPrintedValue_whenReadBack_thenItPrintsTheSame() async {
        let spec = IndicatorCatalog.national[0]
        await propertyCheck(count: 400, input: Gen.int(in: 0...20_000)) { tenths in
            let printed = IndicatorNumber.format(Double(tenths) / 10, spec.decimals)
            let back = try? IndicatorNumber.value(printed, for: spec).get()
            #expect(back.map { IndicatorNumber.format($0, spec.decimals) } == printed)
        }
    }
}
