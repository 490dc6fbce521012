/*
 * selection_table - print which segment group libshm picks for each message
 * length, for the default template or for groups given as arguments.
 *
 *   selection_table                       the default template
 *   selection_table 64:1024:4 4096:64:16  part_size:part_count:span ...
 */
#include <libshm/shm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    struct shm_group_spec groups[SHM_MAX_GROUPS];
    unsigned int n = 0;
    char buf[4096];
    ssize_t len;

    for (int i = 1; i < argc; i++) {
        if (n == SHM_MAX_GROUPS || sscanf(argv[i], "%u:%u:%u", &groups[n].part_size,
                                          &groups[n].part_count, &groups[n].span) != 3) {
            fprintf(stderr, "selection_table: '%s' is not PART_SIZE:PART_COUNT:SPAN\n", argv[i]);
            return 2;
        }
        groups[n++].reserved = 0;
    }
    len = shm_selection_format(n ? groups : NULL, n, buf, sizeof(buf));
    if (len < 0) {
        fprintf(stderr, "selection_table: invalid template: %s\n", strerror((int)-len));
        return 1;
    }
    fputs(buf, stdout);
    return 0;
}
