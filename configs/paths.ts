/** Where every container finds its uploaded configuration: a small volume, so the root filesystem stays read-only. */
export const CONFIG_DIR = "/config";
