package io.gpufleet.scheduler.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpufleet.scheduler.outbound.HostResolver;
import io.gpufleet.scheduler.outbound.OutboundPolicy;
import io.gpufleet.scheduler.outbound.OutboundRules;
import io.gpufleet.scheduler.outbound.OutboundSettings;
import io.gpufleet.scheduler.outbound.OwnEndpoints;
import io.gpufleet.scheduler.outbound.UrlNotAllowedException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The outbound policy of model downloads, and the preflight that follows redirects under it. */
class ModelDownloadPolicyTest {

  private static final List<String> ALLOWED =
      List.of("huggingface.co", "*.huggingface.co", "*.hf.co", "civitai.com", "*.civitai.com");
  private static final String PUBLIC_IP = "18.239.50.16";

  private final Map<String, List<InetAddress>> dns = new HashMap<>();
  private final HostResolver resolver =
      host -> {
        List<InetAddress> found = dns.get(host);
        if (found == null) {
          throw new UnknownHostException(host);
        }
        return found;
      };
  private final OutboundPolicy policy =
      new OutboundPolicy(
          OutboundRules.models(new OutboundSettings.Allowlist(ALLOWED, List.of())),
          resolver,
          OwnEndpoints.NONE);

  private void resolves(String host, String... ips) {
    List<InetAddress> addresses = new ArrayList<>();
    for (String ip : ips) {
      try {
        addresses.add(InetAddress.getByName(ip));
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException(e);
      }
    }
    dns.put(host, addresses);
  }

  @Test
  void anAllowedHostResolvingPubliclyIsAcceptedWithItsAddresses() {
    resolves("huggingface.co", PUBLIC_IP, "2600:9000:2000::1");

    OutboundPolicy.Checked checked =
        policy.check("https://huggingface.co/org/model/resolve/main/model.safetensors");

    assertThat(checked.host()).isEqualTo("huggingface.co");
    assertThat(checked.addresses()).extracting(InetAddress::getHostAddress).contains(PUBLIC_IP);
  }

  @Test
  void subdomainsOfAWildcardEntryAreAllowedButNotItsApex() {
    resolves("cdn-lfs.hf.co", PUBLIC_IP);
    resolves("hf.co", PUBLIC_IP);

    assertThat(policy.check("https://cdn-lfs.hf.co/x").host()).isEqualTo("cdn-lfs.hf.co");
    assertThatThrownBy(() -> policy.check("https://hf.co/x"))
        .isInstanceOf(UrlNotAllowedException.class)
        .hasMessageContaining("not allowed");
  }

  @Nested
  class Refused {

    @Test
    void plainHttp() {
      resolves("huggingface.co", PUBLIC_IP);
      assertThatThrownBy(() -> policy.check("http://huggingface.co/x"))
          .isInstanceOf(UrlNotAllowedException.class)
          .hasMessageContaining("only https");
    }

    @Test
    void aHostNotOnTheAllowList() {
      resolves("evil.example.com", PUBLIC_IP);
      assertThatThrownBy(() -> policy.check("https://evil.example.com/model.safetensors"))
          .isInstanceOf(UrlNotAllowedException.class)
          .hasMessageContaining("not allowed");
    }

    @Test
    void aLookalikeHostEndingInAnAllowedName() {
      resolves("evilhuggingface.co", PUBLIC_IP);
      assertThatThrownBy(() -> policy.check("https://evilhuggingface.co/x"))
          .isInstanceOf(UrlNotAllowedException.class)
          .hasMessageContaining("not allowed");
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "https://127.0.0.1/x",
          "https://[::1]/x",
          "https://169.254.169.254/latest/meta-data/",
          "https://10.0.0.1/x",
          "https://10.255.255.255/x",
          "https://172.16.0.1/x",
          "https://192.168.1.1/x",
          "https://0.0.0.0/x",
          "https://100.64.0.1/x",
          "https://[fe80::1]/x",
          "https://[fc00::1]/x",
          "https://[::ffff:127.0.0.1]/x",
          "https://[::ffff:169.254.169.254]/x",
          "https://0x7f.1/x",
          "https://0x7f000001/x",
          "https://2130706433/x",
          "https://0177.0.0.1/x",
          "https://127.1/x",
          "https://8.8.8.8/x"
        })
    void ipLiteralsAndNumericHostsWhateverTheirSpelling(String url) {
      assertThatThrownBy(() -> policy.check(url)).isInstanceOf(UrlNotAllowedException.class);
    }

    @Test
    void aLoopbackLiteralSaysWhy() {
      assertThatThrownBy(() -> policy.check("https://127.0.0.1/x"))
          .hasMessageContaining("loopback");
      assertThatThrownBy(() -> policy.check("https://169.254.169.254/x"))
          .hasMessageContaining("link-local");
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "127.0.0.1",
          "::1",
          "169.254.169.254",
          "10.1.2.3",
          "172.31.255.1",
          "192.168.0.10",
          "100.100.100.100",
          "0.1.2.3",
          "224.0.0.1",
          "fe80::abcd",
          "fd12:3456::1",
          "::ffff:10.0.0.1",
          "64:ff9b::a9fe:a9fe",
          "2002:7f00:0001::1"
        })
    void anAllowedHostResolvingToANonPublicAddress(String ip) {
      resolves("huggingface.co", PUBLIC_IP, ip);
      assertThatThrownBy(() -> policy.check("https://huggingface.co/x"))
          .isInstanceOf(UrlNotAllowedException.class)
          .hasMessageContaining("resolves to");
    }

    @Test
    void aHostThatDoesNotResolve() {
      assertThatThrownBy(() -> policy.check("https://civitai.com/x"))
          .hasMessageContaining("does not resolve");
    }

    @Test
    void credentialsAndOtherPorts() {
      resolves("huggingface.co", PUBLIC_IP);
      assertThatThrownBy(() -> policy.check("https://user:pw@huggingface.co/x"))
          .hasMessageContaining("credentials");
      assertThatThrownBy(() -> policy.check("https://huggingface.co:8443/x"))
          .hasMessageContaining("443");
    }

    @Test
    void otherSchemes() {
      assertThatThrownBy(() -> policy.check("file:///etc/passwd")).hasMessageContaining("https");
      assertThatThrownBy(() -> policy.check("ftp://huggingface.co/x"))
          .hasMessageContaining("https");
      assertThatThrownBy(() -> policy.check("//huggingface.co/x"))
          .isInstanceOf(UrlNotAllowedException.class);
    }
  }

  @Nested
  class Redirects {

    private final Map<String, UrlProbe.Hop> answers = new HashMap<>();
    private final List<String> probed = new ArrayList<>();
    private final UrlProbe probe =
        (url, addresses) -> {
          probed.add(url.toString());
          UrlProbe.Hop hop = answers.get(url.toString());
          return hop == null ? new UrlProbe.Hop(404, null, null, null) : hop;
        };
    private final ModelPreflight preflight = new ModelPreflight(policy, probe, 5);

    private void redirect(String from, String to) {
      answers.put(from, new UrlProbe.Hop(302, to, null, null));
    }

    @Test
    void areFollowedHopByHopToTheFinalUrlWithItsSizeAndName() {
      resolves("huggingface.co", PUBLIC_IP);
      resolves("cdn-lfs.huggingface.co", "18.239.50.99");
      redirect(
          "https://huggingface.co/o/m/resolve/main/m.safetensors",
          "https://cdn-lfs.huggingface.co/repos/ab/cd?x=1");
      answers.put(
          "https://cdn-lfs.huggingface.co/repos/ab/cd?x=1",
          new UrlProbe.Hop(200, null, 1234L, "attachment; filename=\"m.safetensors\""));

      ModelPreflight.Result result =
          preflight.run("https://huggingface.co/o/m/resolve/main/m.safetensors");

      assertThat(result.finalUrl())
          .isEqualTo(URI.create("https://cdn-lfs.huggingface.co/repos/ab/cd?x=1"));
      assertThat(result.address().getHostAddress()).isEqualTo("18.239.50.99");
      assertThat(result.totalBytes()).isEqualTo(1234L);
      assertThat(result.suggestedName()).isEqualTo("m.safetensors");
    }

    @Test
    void toALoopbackLiteralAreRefused() {
      resolves("huggingface.co", PUBLIC_IP);
      redirect("https://huggingface.co/x", "https://127.0.0.1/secret");

      assertThatThrownBy(() -> preflight.run("https://huggingface.co/x"))
          .isInstanceOf(ModelUrlRefusedException.class)
          .hasMessageContaining("redirect")
          .hasMessageContaining("loopback");
    }

    @Test
    void toTheMetadataAddressAreRefused() {
      resolves("civitai.com", PUBLIC_IP);
      redirect("https://civitai.com/api/download/models/1", "https://169.254.169.254/latest");

      assertThatThrownBy(() -> preflight.run("https://civitai.com/api/download/models/1"))
          .isInstanceOf(ModelUrlRefusedException.class)
          .hasMessageContaining("link-local");
    }

    @Test
    void toAnAllowedHostThatResolvesPrivatelyAreRefusedBeforeItIsAsked() {
      resolves("huggingface.co", PUBLIC_IP);
      resolves("internal.hf.co", "10.0.0.5");
      redirect("https://huggingface.co/x", "https://internal.hf.co/y");

      assertThatThrownBy(() -> preflight.run("https://huggingface.co/x"))
          .isInstanceOf(ModelUrlRefusedException.class)
          .hasMessageContaining("10.0.0.5");
      assertThat(probed).containsExactly("https://huggingface.co/x");
    }

    @Test
    void toHttpAreRefused() {
      resolves("huggingface.co", PUBLIC_IP);
      redirect("https://huggingface.co/x", "http://huggingface.co/y");

      assertThatThrownBy(() -> preflight.run("https://huggingface.co/x"))
          .hasMessageContaining("only https");
    }

    @Test
    void beyondFiveHopsAreRefused() {
      resolves("huggingface.co", PUBLIC_IP);
      for (int i = 0; i < 10; i++) {
        redirect("https://huggingface.co/" + i, "/" + (i + 1));
      }

      assertThatThrownBy(() -> preflight.run("https://huggingface.co/0"))
          .hasMessageContaining("more than 5 redirects");
      assertThat(probed).hasSize(6);
    }

    @Test
    void anErrorAnswerIsRefused() {
      resolves("huggingface.co", PUBLIC_IP);

      assertThatThrownBy(() -> preflight.run("https://huggingface.co/missing"))
          .hasMessageContaining("HTTP 404");
    }
  }
}
