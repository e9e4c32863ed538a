import XCTest
@testable import RectifyCore

/// The petition rules and figures that need no server (issue 13).
final class PetitionRulesTests: XCTestCase {
    func testYuanReadAsWanWithAtMostTwoDecimals() {
        XCTAssertEqual(PetitionFigures.wan(200_000), "20")
        XCTAssertEqual(PetitionFigures.wan(356_000), "35.6")
        XCTAssertEqual(PetitionFigures.wan(12_345), "1.23")
        XCTAssertEqual(PetitionFigures.wan(12_350), "1.24")
        XCTAssertEqual(PetitionFigures.wan(1_005), "0.1")
        XCTAssertEqual(PetitionFigures.wan(49), "0")
        XCTAssertEqual(PetitionFigures.wan(-5), "0")
        XCTAssertEqual(PetitionFigures.wan(PetitionProgress.maxFineYuan), "100000")
    }

    func testTheReportSentenceNamesOnlyWhatHappened() {
        var f = PetitionFigures()
        XCTAssertNil(f.sentence)
        f.total = 91
        f.concluded = 53
        f.concludedStage = 8
        XCTAssertEqual(f.sentence, "督察组交办的91件群众信访举报件,已办结53件、阶段性办结8件。")
        f.finedCompanies = 12
        f.fineYuan = 356_000
        f.heldToAccount = 14
        XCTAssertEqual(f.sentence, "督察组交办的91件群众信访举报件,已办结53件、阶段性办结8件;立案处罚12家,罚款35.6万元,问责14人。")
        XCTAssertEqual(f.closureRate, 58)
    }

    func testHandlingOnlyMovesForwardWithWhatEachStepNeeds() {
        let ok = PetitionProgress(status: .handling, finding: .founded, findings: "属实", measures: "")
        XCTAssertEqual(ok.violations(from: .pending), [])
        XCTAssertEqual(ok.violations(from: .concludedStage).map(\.code), ["petition.backwards"])
        let bare = PetitionProgress(status: .concluded, finding: nil, findings: " ", measures: "")
        XCTAssertEqual(Set(bare.violations(from: .pending).map(\.code)),
                       ["petition.findingRequired", "petition.findingsRequired", "petition.measuresRequired"])
        let counts = PetitionProgress(status: .pending, finding: nil, findings: "", measures: "", fineYuan: -1, detained: 10_001)
        XCTAssertEqual(Set(counts.violations(from: .pending).map(\.code)), ["petition.fineInvalid", "petition.countInvalid"])
    }

    func testPlacesWrittenDifferentlyAreTheSamePlace() {
        XCTAssertEqual(PlaceKey.of("葫芦岛市 连山区某化工厂"), PlaceKey.of("葫芦岛市连山区某化工厂。"))
        XCTAssertEqual(PlaceKey.of("ＡＢＣ公司(北厂)"), PlaceKey.of("abc公司 北厂"))
        XCTAssertNotEqual(PlaceKey.of("兴城市某砖厂"), PlaceKey.of("兴城市某养殖场"))
        XCTAssertEqual(PetitionSource(caseNumber: "D3SX202505280018"), .phone)
        XCTAssertEqual(PetitionSource(caseNumber: "X3SX202505280019"), .letter)
    }

    func testTheOnTimeRateCountsOverdueOpenCasesAgainstIt() {
        var o = PetitionOverview()
        XCTAssertNil(o.closureRate)
        XCTAssertNil(o.onTimeRate)
        o.add(status: .concluded, key: true, timing: .onTime, count: 2)
        o.add(status: .concludedStage, key: false, timing: .late, count: 1)
        o.add(status: .handling, key: true, timing: .overdue, count: 1)
        o.add(status: .pending, key: false, timing: .open, count: 3)
        o.add(status: .pending, key: false, timing: .open, count: 0)
        o.addRepeats(1)
        o.addRepeats(-4)
        XCTAssertEqual(o.total, 7)
        XCTAssertEqual(o.closureRate, 28, "2 of 7, rounded down")
        XCTAssertEqual(o.onTimeRate, 50, "2 on time of 4 done or due; cases not yet due do not count")
        XCTAssertEqual(o.keyOpen, 1, "a concluded key case is not open")
        XCTAssertEqual(o.repeats, 1)
        XCTAssertEqual(o.count(.overdue), 1)
    }

    func testTheSentenceNamesOrderedRectificationFirst() {
        var f = PetitionFigures()
        f.add(status: .concluded, count: 3, orderedRectification: 2, finedCompanies: 1, fineYuan: 356_000)
        f.add(status: .handling)
        XCTAssertEqual(f.sentence, "督察组交办的4件群众信访举报件,已办结3件;责令整改2件,立案处罚1家,罚款35.6万元。")
    }
}
