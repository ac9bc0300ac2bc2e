import Foundation
import Testing

@testable import KaoheHTTP

@Suite("Dashboard number formatting")
struct DashboardFormattingTests {
    @Test("scores show two decimals, as the assessment forms print them")
    func scoresTwoDecimals() {
        #expect(UnitsTable.points(Decimal(string: "90.8")!) == "90.80")
        #expect(UnitsTable.points(Decimal(string: "77.16")!) == "77.16")
        #expect(UnitsTable.points(Decimal(67)) == "67.00")
        #expect(UnitsTable.points(Decimal(string: "-3.5")!) == "-3.50")
        #expect(UnitsTable.points(Decimal(string: "88.005")!) == "88.01")
    }
}
