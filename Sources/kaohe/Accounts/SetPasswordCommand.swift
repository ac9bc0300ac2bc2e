import ArgumentParser
import Foundation
import KaoheDaemon
import KaoheRules
import KaoheStore

/// `kaohe account set-password`: sets an account's password for the web dashboard (网页控制台).
/// The password is never an argument (it would show in `ps` and the shell history): it is read from
/// standard input with `--password-stdin` (the first line), or typed twice at a terminal, unechoed.
struct SetPasswordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-password",
        abstract: "Set an account's web dashboard password (bcrypt; ends its open web sessions).",
        discussion: "echo \"$PASSWORD\" | kaohe account set-password --county 990101 --account zhang.wei --password-stdin"
    )

    @OptionGroup var options: DaemonOptions

    @Option(help: "The county (6-digit division code).")
    var county: CountyCode

    @Option(help: "The account id.")
    var account: String

    @Flag(name: .customLong("password-stdin"), help: "Read the password from the first line of standard input.")
    var passwordStdin = false

    func run() async throws {
        let password = try readPassword()
        if let problem = WebSessionPolicy().problem(with: password) {
            throw OfficeCommandContext.failure("account set-password", problem)
        }
        try await OfficeCommandContext.run(options, command: "account set-password") { client, _ in
            try await WebSessionStore(client: client).setPassword(
                county: county,
                account: account,
                password: password,
                actor: OfficeCommandContext.actor
            )
        }
        print("password set for \(county)/\(account); its open web sessions were ended / 已设置网页登录密码")
    }

    func readPassword() throws -> String {
        if passwordStdin {
            guard let line = readLine(strippingNewline: true) else {
                throw OfficeCommandContext.failure("account set-password", "no password on standard input / 标准输入中没有密码")
            }
            return line.hasSuffix("\r") ? String(line.dropLast()) : line
        }
        guard isatty(STDIN_FILENO) != 0 else {
            throw OfficeCommandContext.failure("account set-password", "pass --password-stdin to read the password from standard input")
        }
        guard let first = getpass("新密码 New password: ").map({ String(cString: $0) }),
            let second = getpass("再输入一次 Again: ").map({ String(cString: $0) })
        else { throw OfficeCommandContext.failure("account set-password", "no password typed") }
        guard first == second else {
            throw OfficeCommandContext.failure("account set-password", "the two passwords differ / 两次输入的密码不一致")
        }
        return first
    }
}
