package dev.vigil.rules.grant;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ScopeMatcherTest {

    @Test
    void exactNamesMatchWholeNameIgnoringCase() {
        ScopeMatcher scope = ScopeMatcher.of(List.of("db-01", "Web.Example.COM"));
        assertThat(scope.covers("db-01")).isTrue();
        assertThat(scope.covers("DB-01")).isTrue();
        assertThat(scope.covers("web.example.com")).isTrue();
        assertThat(scope.covers("db-011")).isFalse();
        assertThat(scope.covers("xdb-01")).isFalse();
    }

    @Test
    void prefixSuffixAndInnerGlobs() {
        ScopeMatcher scope = ScopeMatcher.of(List.of("db-*", "*.prod.example.com", "k8s-*-eu"));
        assertThat(scope.covers("db-01")).isTrue();
        assertThat(scope.covers("DB-ORDERS")).isTrue();
        assertThat(scope.covers("db-")).isTrue();
        assertThat(scope.covers("mydb-01")).isFalse();
        assertThat(scope.covers("api.prod.example.com")).isTrue();
        assertThat(scope.covers("a.b.PROD.example.com")).isTrue();
        assertThat(scope.covers("prod.example.com")).isFalse();
        assertThat(scope.covers("api.prod.example.com.evil.net")).isFalse();
        assertThat(scope.covers("k8s-payments-eu")).isTrue();
        assertThat(scope.covers("k8s-payments-us")).isFalse();
    }

    @Test
    void regexCharactersInScopeAreLiteral() {
        ScopeMatcher scope = ScopeMatcher.of(List.of("a.b", "db+1*", "x[0-9]"));
        assertThat(scope.covers("a.b")).isTrue();
        assertThat(scope.covers("aXb")).isFalse();
        assertThat(scope.covers("db+1-east")).isTrue();
        assertThat(scope.covers("dbb1")).isFalse();
        assertThat(scope.covers("x[0-9]")).isTrue();
        assertThat(scope.covers("x5")).isFalse();
    }

    @Test
    void starCoversEverythingEvenAnUnknownTarget() {
        ScopeMatcher scope = ScopeMatcher.of(List.of("*"));
        assertThat(scope.covers("anything")).isTrue();
        assertThat(scope.covers(null)).isTrue();
        assertThat(ScopeMatcher.of(List.of("**")).covers("x")).isTrue();
    }

    @Test
    void narrowerScopeNeverCoversAnUnknownTarget() {
        assertThat(ScopeMatcher.of(List.of("db-*")).covers(null)).isFalse();
    }

    @Test
    void emptyScopeCoversNothing() {
        assertThat(ScopeMatcher.of(List.of()).covers("db-01")).isFalse();
        assertThat(ScopeMatcher.of(null).covers("db-01")).isFalse();
        assertThat(ScopeMatcher.of(Arrays.asList(null, " ", "")).isEmpty()).isTrue();
        assertThat(ScopeMatcher.of(List.of("db-01")).isEmpty()).isFalse();
    }

    @Test
    void entriesAreTrimmed() {
        assertThat(ScopeMatcher.of(List.of(" db-01 ")).covers("db-01")).isTrue();
    }
}
