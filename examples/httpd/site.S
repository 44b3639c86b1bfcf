/*
 * The httpd example's files, embedded as they are: SITE_INDEX_HTML and
 * SITE_RANDOM_BIN are their paths (given by mk/httpd.mk).
 */
    .section .rodata.site, "a"
    .balign 64
    .globl site_index_html, site_index_html_end
site_index_html:
    .incbin SITE_INDEX_HTML
site_index_html_end:
    .balign 64
    .globl site_random_bin, site_random_bin_end
site_random_bin:
    .incbin SITE_RANDOM_BIN
site_random_bin_end:

    .section .note.GNU-stack, "", %progbits
