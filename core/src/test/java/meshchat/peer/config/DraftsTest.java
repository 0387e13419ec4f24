package meshchat.peer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.Consumer;
import meshchat.peer.membership.MembershipConfig;
import meshchat.peer.room.RoomConfig;
import org.junit.jupiter.api.Test;

class DraftsTest {
  @Test
  void theDefaultsAreTheDraftsFieldsAsDeclared() {
    RoomConfig.Draft d = new RoomConfig.Draft();
    RoomConfig defaults = RoomConfig.defaults();
    assertThat(defaults.syncIntervalMs()).isEqualTo(d.syncIntervalMs);
    assertThat(defaults.maxDeps()).isEqualTo(d.maxDeps);
    assertThat(defaults.syncRequestTimeoutMs()).isEqualTo(d.syncRequestTimeoutMs);
  }

  @Test
  void aCopyChangesWhatTheDraftChangedAndKeepsTheRest() {
    RoomConfig base = RoomConfig.defaults().with(d -> d.syncIntervalMs = 100);
    RoomConfig copy =
        base.with(
            d -> {
              d.maxDeps = 5;
              d.maxTextBytes = 10;
            });
    assertThat(copy.maxDeps()).isEqualTo(5);
    assertThat(copy.maxTextBytes()).isEqualTo(10);
    assertThat(copy.syncIntervalMs()).isEqualTo(100);
    assertThat(
            copy.with(d -> d.maxDeps = base.maxDeps())
                .with(d -> d.maxTextBytes = base.maxTextBytes()))
        .isEqualTo(base);
  }

  @Test
  void aCopyIsCheckedByTheRecordsConstructor() {
    Consumer<MembershipConfig.Draft> noLinks = d -> d.maxLinks = 0;
    assertThatThrownBy(() -> MembershipConfig.defaults().with(noLinks))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxLinks");
  }

  @Test
  void aDraftThatDoesNotMatchItsRecordIsABugSaidAsSuch() {
    assertThatThrownBy(() -> Drafts.build(RoomConfig.class, new Object()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("RoomConfig's Draft does not match it");
  }
}
