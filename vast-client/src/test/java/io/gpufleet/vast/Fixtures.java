package io.gpufleet.vast;

/** Bodies shaped like Vast's real answers (fields and oddities from the API reference). */
final class Fixtures {
  private Fixtures() {}

  static String offer(long id, String gpu, int numGpus, double dph) {
    return """
        {"id": %d, "ask_contract_id": %d, "bundle_id": 9%d, "machine_id": 4711, "host_id": 123,
         "gpu_name": "%s", "num_gpus": %d, "gpu_ram": 24564.0, "gpu_total_ram": %d,
         "gpu_arch": "nvidia", "compute_cap": 890, "cuda_max_good": 12.8,
         "driver_version": "570.124.04", "cpu_name": "AMD EPYC 7B13", "cpu_cores": null,
         "cpu_cores_effective": 16.0, "cpu_ram": 128764, "disk_space": 512.3, "disk_bw": 3400.5,
         "inet_up": 850.1, "inet_down": 912.4, "direct_port_count": 120, "dph_total": %s,
         "dph_base": 0.3, "min_bid": 0.21, "storage_cost": 0.15, "reliability": 0.9934,
         "reliability2": 0.9934, "verification": "verified", "verified": true, "rentable": true,
         "rented": false, "external": false, "hosting_type": 0, "geolocation": "Texas, US",
         "duration": 2592000.0, "search": {"gpuCostPerHour": 0.3, "totalHour": %s},
         "some_field_added_next_year": {"x": 1}}
        """
        .formatted(id, id, id, gpu, numGpus, 24564 * numGpus, dph, dph);
  }

  static String offers(String... offers) {
    return "{\"offers\": [" + String.join(",", offers) + "]}";
  }

  static String instance(long id, String actual, String intended, String label) {
    boolean running = actual.equals("running");
    return """
        {"id": %d, "machine_id": 4711, "host_id": 123, "actual_status": %s,
         "intended_status": "%s", "cur_state": "%s", "next_state": "%s",
         "status_msg": "success, running vastai/comfy/ssh", "label": "%s",
         "image_uuid": "vastai/comfy:latest", "image_runtype": "ssh ssh_direc ssh_proxy",
         "extra_env": [["-p 8188:8188", "1"]],
         "public_ipaddr": "203.0.113.7\\n", "local_ipaddrs": "10.0.0.2 \\n",
         "ssh_host": "ssh5.vast.ai", "ssh_port": 31722, "ssh_idx": "5",
         "ports": %s, "gpu_name": "RTX 4090", "num_gpus": 1, "gpu_ram": 24564,
         "cpu_cores": null, "cpu_ram": 128764, "disk_space": 32.0, "dph_total": 0.4123,
         "start_date": 1788256800.5, "end_date": 1790848800.0, "geolocation": "Texas, US",
         "brand_new_field": [1, 2]}
        """
        .formatted(
            id,
            actual.equals("null") ? "null" : "\"" + actual + "\"",
            intended,
            running ? "running" : intended,
            running ? "running" : intended,
            label,
            running
                ? """
                  {"22/tcp": [{"HostIp": "0.0.0.0", "HostPort": "41022"},
                              {"HostIp": "::", "HostPort": "41022"}],
                   "8188/tcp": [{"HostIp": "0.0.0.0", "HostPort": "41188"}]}"""
                : "null");
  }

  static String show(String instanceJson) {
    return "{\"instances\": " + instanceJson + "}";
  }

  static String listPage(String nextToken, int total, String... instances) {
    return """
        {"success": true, "instances_found": %d, "total_instances": %d,
         "label_counts": {"fleet": %d}, "next_token": %s, "instances": [%s]}
        """
        .formatted(
            instances.length,
            total,
            total,
            nextToken == null ? "null" : "\"" + nextToken + "\"",
            String.join(",", instances));
  }
}
