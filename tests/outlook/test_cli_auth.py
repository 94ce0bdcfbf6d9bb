"""``contactsync auth ACCOUNT`` on an Outlook account: the outlook connector type's sign-in hook (the device
code flow), run as the admin runs it, a process whose output names the code to enter elsewhere."""

from __future__ import annotations

import re
import stat
import subprocess
import sys
from pathlib import Path

from contactsync.emulators.outlook import GraphEmulator

from .conftest import CLIENT_ID, TENANT, USER


def test_auth_account_runs_the_device_code_flow_and_saves_a_private_cache(
    emulator: GraphEmulator, tmp_path: Path
) -> None:
    cache = tmp_path / "state" / "ana.token.json"
    config = tmp_path / "contactsync.yaml"
    config.write_text(f"""books:
  - name: staff
    accounts:
      - name: ana
        type: outlook
        options:
          tenant_id: {TENANT}
          client_id: {CLIENT_ID}
          token_cache_file: {cache}
          authority_host: {emulator.base_url}
          graph_url: {emulator.graph_url}
          ca_bundle: {emulator.ca_file}
""")
    command = [str(Path(sys.executable).parent / "contactsync"), "--config", str(config), "auth", "ana"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        shown = []
        for line in process.stdout:
            shown.append(line)
            code = re.search(r"enter the code (\S+)", line)
            if code:
                # the user signs in on another device
                emulator.approve_device_code(code.group(1), USER)
                break
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, "".join(shown) + out + err
    assert "account ana: signed in" in out
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
