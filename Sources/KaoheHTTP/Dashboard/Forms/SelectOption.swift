/// One `<option>` of a form's `<select>` (or one choice of a group of radios): the value sent, the
/// words shown, and whether it comes selected. Every page's forms use this one type.
struct SelectOption: Sendable {
    var value: String
    var label: String
    var selected: Bool = false
}
