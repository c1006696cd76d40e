// The user's own device profiles (schema 2), validated on the way in and out.
import { deviceProfileToJson, parseDeviceProfile } from '../../shared/deviceProfile';
import type { DeviceProfile } from '../../shared/devices';
import type { Db } from './database';

export class UserDevices {
  constructor(private readonly db: Db) {}

  list(): DeviceProfile[] {
    const rows = this.db.prepare('SELECT device_id, profile_json FROM user_devices ORDER BY device_id').all() as {
      device_id: string;
      profile_json: string;
    }[];
    return rows.map((r) => parseDeviceProfile(JSON.parse(r.profile_json), `saved device ${r.device_id}`));
  }

  get(id: string): DeviceProfile | undefined {
    const row = this.db.prepare('SELECT profile_json FROM user_devices WHERE device_id = ?').get(id) as
      | { profile_json: string }
      | undefined;
    return row ? parseDeviceProfile(JSON.parse(row.profile_json), `saved device ${id}`) : undefined;
  }

  save(profile: DeviceProfile): void {
    this.db
      .prepare(
        `INSERT INTO user_devices (device_id, profile_json, updated_at) VALUES (?, ?, ?)
         ON CONFLICT(device_id) DO UPDATE SET profile_json = excluded.profile_json, updated_at = excluded.updated_at`,
      )
      .run(profile.id, JSON.stringify(deviceProfileToJson(profile)), new Date().toISOString());
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM user_devices WHERE device_id = ?').run(id).changes > 0;
  }
}
