import KaoheDaemon
import KaoheHTTP
import Testing

/// `http.secure_cookies`: off by default (the cookie is `Secure` behind `X-Forwarded-Proto: https`),
/// on from the flag, the environment or the file; a bad value names the key.
@Suite struct SecureCookiesConfigurationTests {
    @Test func offByDefaultOnFromTheEnvironment() throws {
        #expect(try DaemonConfiguration.resolve(flags: [:], environment: [:], configFile: nil).http.secureCookies == false)
        let on = try DaemonConfiguration.resolve(flags: [:], environment: ["KAOHE_HTTP_SECURE_COOKIES": "true"], configFile: nil)
        #expect(on.http.secureCookies)
        #expect(on.sources["http.secure_cookies"] == "environment KAOHE_HTTP_SECURE_COOKIES")
    }

    @Test func aBadValueNamesTheKey() {
        #expect {
            try DaemonConfiguration.resolve(flags: ["http.secure_cookies": "sometimes"], environment: [:], configFile: nil)
        } throws: { error in
            (error as? ConfigurationError)?.key == "http.secure_cookies"
        }
    }
}
