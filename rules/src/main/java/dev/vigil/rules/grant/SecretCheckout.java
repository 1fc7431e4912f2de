package dev.vigil.rules.grant;

/**
 * A credential checked out under a grant: later use of the same secret after that grant ended is
 * AFTER_EXPIRY even outside any session. A Flink POJO.
 */
public class SecretCheckout {

    public String secretId;
    public String store;
    /** The grant that covered the checkout. */
    public String grantId;
    public long checkedOutAt;
    /** Latest event time of any access to the secret since the checkout. */
    public long lastSeen;

    public SecretCheckout() {
    }

    public SecretCheckout(String secretId, String store, String grantId, long checkedOutAt) {
        this.secretId = secretId;
        this.store = store;
        this.grantId = grantId;
        this.checkedOutAt = checkedOutAt;
        this.lastSeen = checkedOutAt;
    }
}
