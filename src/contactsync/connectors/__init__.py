"""The connectors: one subpackage a platform, each registered under the ``contactsync.connectors`` entry point."""
