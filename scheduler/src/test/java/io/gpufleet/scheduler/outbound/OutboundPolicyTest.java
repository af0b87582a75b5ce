package io.gpufleet.scheduler.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OutboundPolicyTest {

  private static final String PUBLIC_IP = "93.184.216.34";
  private static final OutboundSettings.Allowlist NONE =
      new OutboundSettings.Allowlist(List.of(), List.of());

  private final Map<String, Deque<List<InetAddress>>> dns = new HashMap<>();
  private final HostResolver resolver =
      host -> {
        Deque<List<InetAddress>> answers = dns.get(host);
        if (answers == null || answers.isEmpty()) {
          throw new UnknownHostException(host);
        }
        return answers.size() > 1 ? answers.poll() : answers.peek();
      };

  private void resolves(String host, String... ips) {
    dns.computeIfAbsent(host, h -> new ArrayDeque<>()).add(addresses(ips));
  }

  private static List<InetAddress> addresses(String... ips) {
    List<InetAddress> out = new ArrayList<>();
    for (String ip : ips) {
      try {
        out.add(InetAddress.getByName(ip));
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException(e);
      }
    }
    return out;
  }

  private OutboundPolicy webhooks(OutboundSettings.Allowlist allow, OwnEndpoints own) {
    return new OutboundPolicy(OutboundRules.webhooks(allow), resolver, own);
  }

  private final OutboundPolicy production = webhooks(NONE, OwnEndpoints.NONE);

  @Test
  void aPublicHostOnAnyPortIsCalledAtTheAddressesChecked() {
    resolves("hooks.example.com", PUBLIC_IP);

    OutboundPolicy.Checked checked = production.check("https://hooks.example.com:8443/in");

    assertThat(checked.port()).isEqualTo(8443);
    assertThat(checked.addresses())
        .extracting(InetAddress::getHostAddress)
        .containsExactly(PUBLIC_IP);
    assertThat(production.check("http://" + PUBLIC_IP + "/in").addresses()).hasSize(1);
  }

  @Nested
  class ByDefault {

    @ParameterizedTest
    @ValueSource(
        strings = {
          "http://127.0.0.1:8080/hook",
          "http://[::1]/hook",
          "http://169.254.169.254/latest/meta-data/",
          "http://[fd00:ec2::254]/latest/meta-data/",
          "http://10.0.0.1/x",
          "http://172.16.5.4/x",
          "http://192.168.1.1/x",
          "http://100.64.0.1/x",
          "http://0.0.0.0:8080/x",
          "http://224.0.0.1/x",
          "http://[fe80::1]/x",
          "http://[::ffff:169.254.169.254]/x",
          "http://[::ffff:7f00:1]/x",
          "http://127.1/x",
          "http://2130706433/x",
          "http://0x7f.1/x",
          "http://metadata.google.internal/computeMetadata/v1/",
          "http://user:pw@" + PUBLIC_IP + "/x",
          "ftp://" + PUBLIC_IP + "/x",
          "file:///etc/passwd"
        })
    void deniedRangesNumericSpellingsMetadataNamesAndOtherSchemesAreRefused(String url) {
      resolves("metadata.google.internal", PUBLIC_IP);
      assertThatThrownBy(() -> production.check(url)).isInstanceOf(UrlNotAllowedException.class);
    }

    @Test
    void theReasonNamesTheRange() {
      assertThatThrownBy(() -> production.check("http://127.0.0.1:9/x"))
          .hasMessageContaining("loopback");
      assertThatThrownBy(() -> production.check("http://169.254.169.254/x"))
          .hasMessageContaining("link-local");
      assertThatThrownBy(() -> production.check("http://metadata.google.internal/x"))
          .hasMessageContaining("metadata");
    }

    @Test
    void aHostResolvingToAnyDeniedAddressIsRefusedWithTheAddress() {
      resolves("sneaky.example.com", PUBLIC_IP, "10.1.2.3");
      assertThatThrownBy(() -> production.check("https://sneaky.example.com/x"))
          .isInstanceOf(UrlNotAllowedException.class)
          .hasMessageContaining("resolves to 10.1.2.3");
    }

    @Test
    void aHostThatDoesNotResolveMayPassLater() {
      assertThatThrownBy(() -> production.check("https://nowhere.example.com/x"))
          .isInstanceOfSatisfying(
              UrlNotAllowedException.class, e -> assertThat(e.retryable()).isTrue());
      assertThatThrownBy(() -> production.check("http://127.0.0.1/x"))
          .isInstanceOfSatisfying(
              UrlNotAllowedException.class, e -> assertThat(e.retryable()).isFalse());
    }

    @Test
    void sshEndpointsAreCheckedLikeUrls() {
      OutboundPolicy servers =
          new OutboundPolicy(OutboundRules.servers(NONE), resolver, OwnEndpoints.NONE);
      resolves("localhost", "127.0.0.1");
      assertThatThrownBy(() -> servers.checkAddress("169.254.169.254", 22))
          .hasMessageContaining("link-local");
      assertThatThrownBy(() -> servers.checkAddress("localhost", 22))
          .hasMessageContaining("loopback");
      assertThat(servers.checkAddress(PUBLIC_IP, 2222).port()).isEqualTo(2222);
    }
  }

  @Nested
  class Allowlists {

    @Test
    void anAllowedRangeOpensOnlyThatRange() {
      OutboundPolicy lan =
          webhooks(
              new OutboundSettings.Allowlist(List.of(), List.of("127.0.0.1/32", "10.0.0.0/8")),
              OwnEndpoints.NONE);

      assertThat(lan.check("http://127.0.0.1:9000/hook").port()).isEqualTo(9000);
      assertThat(lan.check("http://10.20.30.40/hook").host()).isEqualTo("10.20.30.40");
      assertThatThrownBy(() -> lan.check("http://127.0.0.2/hook")).hasMessageContaining("loopback");
      assertThatThrownBy(() -> lan.check("http://169.254.169.254/")).hasMessageContaining("link");
    }

    @Test
    void allowedHostsNarrowWhereAUseMayGo() {
      OutboundPolicy narrow =
          webhooks(
              new OutboundSettings.Allowlist(List.of("*.example.com"), List.of()),
              OwnEndpoints.NONE);
      resolves("a.example.com", PUBLIC_IP);
      resolves("example.org", PUBLIC_IP);

      assertThat(narrow.check("https://a.example.com/x").host()).isEqualTo("a.example.com");
      assertThatThrownBy(() -> narrow.check("https://example.org/x"))
          .hasMessageContaining("not allowed");
      assertThatThrownBy(() -> narrow.check("https://" + PUBLIC_IP + "/x"))
          .hasMessageContaining("only the hosts");
    }

    @Test
    void theSandboxReachesItsOwnSimulatorsOnTheirPortsOnly() {
      OutboundPolicy sandbox =
          webhooks(NONE, (address, port) -> address.isLoopbackAddress() && port == 40123);

      assertThat(sandbox.check("http://127.0.0.1:40123/system_stats").port()).isEqualTo(40123);
      assertThatThrownBy(() -> sandbox.check("http://127.0.0.1:5432/"))
          .hasMessageContaining("loopback");
      assertThatThrownBy(() -> sandbox.check("http://169.254.169.254:40123/"))
          .hasMessageContaining("link-local");
    }

    @Test
    void aTypoInAnAllowedRangeStopsTheStart() {
      assertThatThrownBy(() -> new OutboundSettings.Allowlist(List.of(), List.of("10.0.0/8")))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new OutboundSettings.Allowlist(List.of(), List.of("intranet")))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  class DnsRebinding {

    @Test
    void theCheckedAddressesAreTheOnlyOnesTheClientMayConnectTo() throws Exception {
      resolves("rebind.example.com", PUBLIC_IP);
      resolves("rebind.example.com", "127.0.0.1");

      OutboundPolicy.Checked checked = production.check("http://rebind.example.com/x");

      // the second answer (loopback) is never asked for: the pinned DNS repeats the first
      assertThat(checked.dns().lookup("rebind.example.com"))
          .extracting(InetAddress::getHostAddress)
          .containsExactly(PUBLIC_IP);
      assertThatThrownBy(() -> checked.dns().lookup("other.example.com"))
          .isInstanceOf(UnknownHostException.class);
    }

    @Test
    void aLongLivedClientChecksEveryAnswerItConnectsTo() throws Exception {
      resolves("comfy.example.com", PUBLIC_IP);
      resolves("comfy.example.com", "169.254.169.254");
      var lookup = production.dns(8188);

      assertThat(lookup.lookup("comfy.example.com")).hasSize(1);
      assertThatThrownBy(() -> lookup.lookup("comfy.example.com"))
          .isInstanceOf(UnknownHostException.class)
          .hasMessageContaining("169.254.169.254");
    }
  }

  @Nested
  class Redirects {

    private HttpServer server;
    private final List<String> posted = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
      if (server != null) {
        server.stop(0);
      }
    }

    private String serve(String redirectTo) throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(
          "/",
          exchange -> {
            posted.add(
                exchange.getRequestURI().getPath()
                    + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            if (exchange.getRequestURI().getPath().equals("/hook")) {
              exchange.getResponseHeaders().add("Location", redirectTo);
              exchange.sendResponseHeaders(307, -1);
            } else {
              exchange.sendResponseHeaders(204, -1);
            }
            exchange.close();
          });
      server.start();
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private OutboundCalls calls() {
      OutboundPolicy local =
          webhooks(
              new OutboundSettings.Allowlist(List.of(), List.of("127.0.0.1/32")),
              OwnEndpoints.NONE);
      return new OutboundCalls(local, new OkHttpClient(), 3);
    }

    private static Request post(String url) {
      return new Request.Builder()
          .url(url)
          .post(RequestBody.create("{\"a\":1}", MediaType.get("application/json")))
          .build();
    }

    @Test
    void toADeniedAddressIsRefusedBeforeAnythingIsSentThere() throws Exception {
      String base = serve("http://169.254.169.254/latest/meta-data/");

      assertThatThrownBy(() -> calls().execute(post(base + "/hook")))
          .isInstanceOf(UrlNotAllowedException.class)
          .hasMessageContaining("redirect to http://169.254.169.254/latest/meta-data/")
          .hasMessageContaining("link-local");
      assertThat(posted).containsExactly("/hook {\"a\":1}");
    }

    @Test
    void toAnAllowedUrlIsFollowedWithTheSameBody() throws Exception {
      String base = serve("/moved");

      try (Response response = calls().execute(post(base + "/hook"))) {
        assertThat(response.code()).isEqualTo(204);
      }
      assertThat(posted).containsExactly("/hook {\"a\":1}", "/moved {\"a\":1}");
    }

    @Test
    void inALoopEndAfterTheLimit() throws Exception {
      String base = serve("/hook");

      assertThatThrownBy(() -> calls().execute(post(base + "/hook")))
          .isInstanceOf(UrlNotAllowedException.class)
          .hasMessageContaining("more than 3 redirects");
    }
  }

  @Test
  void rangesParseAndHoldWhatTheySay() {
    assertThat(Cidr.parse("10.0.0.0/8").contains(addresses("10.255.0.1").get(0))).isTrue();
    assertThat(Cidr.parse("10.0.0.0/8").contains(addresses("11.0.0.1").get(0))).isFalse();
    assertThat(Cidr.parse("fd00::/8").contains(addresses("fd00:ec2::254").get(0))).isTrue();
    assertThat(Cidr.parse("172.16.0.0/12").contains(addresses("172.31.255.255").get(0))).isTrue();
    assertThat(Cidr.parse("172.16.0.0/12").contains(addresses("172.32.0.0").get(0))).isFalse();
    assertThat(Cidr.parse("127.0.0.1").prefix()).isEqualTo(32);
  }
}
